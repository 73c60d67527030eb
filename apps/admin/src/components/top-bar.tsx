'use client';

// The top bar: brand, the navigation the signed-in role may use, and the user with a sign-out button.
// On narrow screens the navigation is behind a "Menu" button (a disclosure: aria-expanded, Escape
// closes it and returns focus to the button, opening a page closes it), so the bar keeps two lines.
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useRef, useState, type KeyboardEvent } from 'react';
import { accessOf, homeFor, navFor } from '../lib/access';
import { useSession, useSignOut } from '../queries/session';

const ROLE_LABEL = { ADMIN: 'Admin', HR: 'HR', REVIEWER: 'Reviewer', AUDITOR: 'Auditor' } as const;

export function TopBar() {
  const pathname = usePathname();
  const router = useRouter();
  const { user, isPending } = useSession();
  const signOut = useSignOut();
  const nav = navFor(user?.role ?? null);
  const current = accessOf(pathname).path;
  const [isMenuOpen, setIsMenuOpen] = useState(false);
  const [menuPath, setMenuPath] = useState(pathname);
  const menuButton = useRef<HTMLButtonElement>(null);
  // A page opened from the menu (or any navigation) closes it.
  if (menuPath !== pathname) {
    setMenuPath(pathname);
    setIsMenuOpen(false);
  }

  function closeOnEscape(event: KeyboardEvent) {
    if (event.key !== 'Escape' || !isMenuOpen) return;
    setIsMenuOpen(false);
    menuButton.current?.focus();
  }

  return (
    <header className="topbar">
      <Link href={homeFor(user?.role ?? null)} className="brand">
        FaceLedger
      </Link>
      <nav aria-label="Main" className={isMenuOpen ? 'is-open' : undefined} onKeyDown={closeOnEscape}>
        <button
          ref={menuButton}
          type="button"
          className="button button-quiet menu-button"
          aria-expanded={isMenuOpen}
          aria-controls="main-nav-list"
          onClick={() => setIsMenuOpen((open) => !open)}
        >
          Menu
        </button>
        <ul id="main-nav-list">
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
              <span className="who-email" title={user.email}>
                {user.email}
              </span>{' '}
              <span className="badge badge-role">{ROLE_LABEL[user.role]}</span>
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
