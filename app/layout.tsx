import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';
import { Providers } from '@/lib/trpc-client';
import { loadConfig } from '@/server/config';

export const metadata: Metadata = {
  metadataBase: new URL(loadConfig().publicUrl),
  title: { default: 'Signet', template: '%s · Signet' },
  description: 'Verified, auditable and billable AI-to-AI exchanges',
  icons: { icon: [{ url: '/favicon.ico', sizes: '16x16 32x32' }, { url: '/icon-192.png', type: 'image/png', sizes: '192x192' }], apple: '/apple-touch-icon.png' },
  manifest: '/manifest.webmanifest',
  openGraph: { title: 'Signet', description: 'Verified, auditable and billable AI-to-AI exchanges', images: [{ url: '/og-image.png', width: 1200, height: 630 }] },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, so its scripts carry that request's CSP nonce (proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
