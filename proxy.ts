// Next's proxy (formerly middleware) runs before every page: it gives each response a
// Content-Security-Policy whose scripts are allowed by a fresh nonce (never 'unsafe-inline'),
// and HSTS when the portal is served over https. Next reads the nonce from the request's CSP
// header and puts it on its own inline and bootstrap scripts, so pages must render per request
// (app/layout.tsx awaits connection()).
import { NextResponse, type NextRequest } from 'next/server';
import { loadConfig } from '@/server/config';

let https: boolean | undefined;
let development: boolean | undefined;

export function contentSecurityPolicy(nonce: string, dev: boolean, upgrade: boolean): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': a script with the nonce may load Next's chunks; in development React needs eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Style attributes (charts, progress bars) cannot carry a nonce.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    ...(upgrade ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export function proxy(request: NextRequest) {
  https ??= loadConfig().publicUrl.startsWith('https:');
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
  development ??= loadConfig().dev;
  const csp = contentSecurityPolicy(nonce, development, https);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', csp);
  // The page asked for, so a guard can send a signed-out reader back to it after sign-in.
  requestHeaders.set('x-signet-path', request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  if (https) response.headers.set('strict-transport-security', 'max-age=63072000; includeSubDomains');
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: not the JSON APIs (tRPC, next-auth) nor static files. Prefetches carry no HTML.
      source: '/((?!api/|_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
