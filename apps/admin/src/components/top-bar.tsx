'use client';

// The top bar: brand, the navigation the signed-in role may use, and the user with a sign-out button.
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { accessOf, navFor } from '../lib/access';
import { useSession, useSignOut } from '../queries/session';

const ROLE_LABEL = { ADMIN: 'Admin', HR: 'HR', REVIEWER: 'Reviewer', AUDITOR: 'Auditor' } as const;

export function TopBar() {
  const pathname = usePathname();
  const router = useRouter();
  const { user, isPending } = useSession();
  const signOut = useSignOut();
  const nav = navFor(user?.role ?? null);
  const current = accessOf(pathname).path;

  return (
    <header className="topbar">
      <Link href="/" className="brand">
        FaceLedger
      </Link>
      <nav aria-label="Main">
        <ul>
          {nav.map((item) => (
            <li key={item.href}>
              <Link href={item.href} aria-current={current === item.href ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="account">
        {user ? (
          <>
            <span className="who">
              <span className="visually-hidden">Signed in as </span>
              {user.email} <span className="badge badge-role">{ROLE_LABEL[user.role]}</span>
            </span>
            <button
              type="button"
              className="button button-quiet"
              disabled={signOut.isPending}
              onClick={() =>
                signOut.mutate(undefined, {
                  onSettled: () => router.push('/sign-in'),
                })
              }
            >
              {signOut.isPending ? 'Signing out…' : 'Sign out'}
            </button>
          </>
        ) : (
          !isPending &&
          pathname !== '/sign-in' && (
            <Link href="/sign-in" className="button button-quiet">
              Sign in
            </Link>
          )
        )}
      </div>
    </header>
  );
}
