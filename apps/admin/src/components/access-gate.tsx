'use client';

// Shows a page only to the roles lib/access.ts allows: visitors go to /sign-in (and come back after),
// signed-in users without the role get a clear message instead of the page.
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { accessOf, canOpen, homeFor } from '../lib/access';
import { useSession } from '../queries/session';

export function AccessGate({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const { user, isPending, error } = useSession();
  const isPublic = accessOf(pathname).roles === null;
  const mustSignIn = !isPublic && !isPending && !error && user === null;

  useEffect(() => {
    if (!mustSignIn) return;
    const next = window.location.pathname + window.location.search;
    router.replace(`/sign-in?next=${encodeURIComponent(next)}`);
  }, [mustSignIn, router]);

  if (isPublic) return children;
  if (isPending) return <p role="status">Checking your session…</p>;
  if (error) {
    return (
      <p role="alert" className="error">
        {error.message}
      </p>
    );
  }
  if (!user) return <p role="status">Redirecting to sign-in…</p>;
  if (!canOpen(pathname, user.role)) {
    return (
      <section aria-labelledby="no-access-title" className="panel">
        <h1 id="no-access-title">You don&apos;t have access to this page</h1>
        <p>
          Your role ({user.role}) may not open this page; ask an admin if you need it.
        </p>
        <p>
          <Link href={homeFor(user.role)}>Go to your home page</Link>
        </p>
      </section>
    );
  }
  return children;
}
