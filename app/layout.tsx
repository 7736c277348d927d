import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import { Providers } from '@/lib/trpc-client';

export const metadata: Metadata = {
  title: { default: 'Signet', template: '%s · Signet' },
  description: 'Verified, auditable and billable AI-to-AI exchanges',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
