// The frame around every page: a skip link, the product name, navigation, who is signed in, and the
// main region, whose content the access gate shows only to roles allowed on the page; the focus keeper
// keeps keyboard focus off <body>.
import type { ReactNode } from 'react';
import { AccessGate } from './access-gate';
import { FocusKeeper } from './focus-keeper';
import { TopBar } from './top-bar';

export function Shell({ children }: { children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <FocusKeeper />
      <TopBar />
      <main id="main" tabIndex={-1}>
        <AccessGate>{children}</AccessGate>
      </main>
    </>
  );
}
