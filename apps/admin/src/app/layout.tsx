import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Shell } from '../components/shell';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'FaceLedger',
  description: 'Self-hosted face recognition: enrollment, review and audit.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <Shell>{children}</Shell>
        </Providers>
      </body>
    </html>
  );
}
