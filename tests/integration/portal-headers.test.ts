// The portal's Content-Security-Policy and HSTS, set by proxy.ts: scripts allowed by a fresh
// nonce per request and never by 'unsafe-inline', the nonce handed to Next's rendering through
// the request's CSP header, and HSTS exactly when the public URL is https.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NextRequest } from 'next/server';

async function loadProxy(publicUrl: string) {
  vi.resetModules();
  vi.stubEnv('SP_PUBLIC_URL', publicUrl);
  return import('@/proxy');
}
afterEach(() => {
  vi.unstubAllEnvs();
});

function directives(csp: string) {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
}

describe('proxy.ts', () => {
  it('allows scripts by a per-request nonce only, and hands the nonce to the render', async () => {
    const { proxy } = await loadProxy('http://localhost:8088');
    const res = proxy(new NextRequest('http://localhost:8088/signin'));
    const csp = res.headers.get('content-security-policy')!;
    const scriptSrc = directives(csp).get('script-src')!;
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    const nonce = scriptSrc.find((s) => s.startsWith("'nonce-"))!.slice(7, -1);
    expect(Buffer.from(nonce, 'base64')).toHaveLength(18);
    expect(directives(csp).get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives(csp).get('object-src')).toEqual(["'none'"]);
    // Next reads the nonce from the request's CSP header (forwarded as an override).
    expect(res.headers.get('x-middleware-request-content-security-policy')).toBe(csp);

    const again = proxy(new NextRequest('http://localhost:8088/signin')).headers.get('content-security-policy')!;
    expect(again).not.toBe(csp);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(directives(csp).has('upgrade-insecure-requests')).toBe(false);
  });

  it('sends HSTS and upgrades insecure requests when the public URL is https', async () => {
    const { proxy } = await loadProxy('https://signet.example.com');
    const res = proxy(new NextRequest('https://signet.example.com/dashboard'));
    expect(res.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
    expect(directives(res.headers.get('content-security-policy')!).has('upgrade-insecure-requests')).toBe(true);
  });

  it('runs on pages, not on the JSON APIs or static files', async () => {
    const { config } = await loadProxy('http://localhost:8088');
    const source = new RegExp(`^${config.matcher[0]!.source}$`);
    for (const page of ['/', '/signin', '/dashboard/receipts/abc', '/admin/tenants/t1']) expect(source.test(page), page).toBe(true);
    for (const other of ['/api/trpc/account.signUp', '/api/auth/csrf', '/_next/static/chunks/a.js', '/favicon.ico']) expect(source.test(other), other).toBe(false);
  });
});
