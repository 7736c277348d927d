import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';
import { THEME_SCRIPT } from '@/lib/theme';
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
  // The theme script runs before first paint, allowed by the nonce proxy.ts put in the policy.
  const nonce = /'nonce-([^']+)'/.exec((await headers()).get('content-security-policy') ?? '')?.[1];
  return (
    // The head script sets the dark class before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
