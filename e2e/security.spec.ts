// The portal under its Content-Security-Policy: scripts run only by the per-request nonce (no
// 'unsafe-inline'), every page of every role loads and hydrates with no CSP violation (the
// fixture in support.ts fails the test on any), and oversize tRPC bodies are refused.
import type { Page } from '@playwright/test';
import { DEMO, expect, signIn, signOut, test } from './support';

function scriptSrc(csp: string): string[] {
  return csp.split(';').map((d) => d.trim().split(/\s+/)).find(([name]) => name === 'script-src')!.slice(1);
}

test('every script on a page carries the nonce of its own response; script-src has no unsafe-inline', async ({ page }) => {
  const nonces: string[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await page.goto('/signin');
    const sources = scriptSrc(res!.headers()['content-security-policy']!);
    expect(sources).not.toContain("'unsafe-inline'");
    const nonce = sources.find((s) => s.startsWith("'nonce-"))!.slice(7, -1);
    nonces.push(nonce);
    const scripts = await page.evaluate(() => Array.from(document.scripts).map((s) => s.nonce));
    expect(scripts.length).toBeGreaterThan(3); // Next's bootstrap, chunks and inline flight data
    expect(scripts.every((n) => n === nonce)).toBe(true);
  }
  expect(nonces[0]).not.toBe(nonces[1]);
  // Hydrated: the client-side form handler runs (no native GET submit with the password in the URL).
  await page.getByLabel('Email').fill(DEMO.owner);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong email' })).toBeVisible();
  expect(page.url()).not.toContain('password');
});

test('an inline script injected into the HTML without the nonce is blocked', async ({ page, cspViolations }) => {
  // As a reflected injection would arrive: inside the page's own HTML, under its own CSP.
  await page.route('**/signin', async (route) => {
    const original = await route.fetch();
    const html = (await original.text()).replace('</body>', '<script>window.__injected = true</script></body>');
    await route.fulfill({ response: original, body: html });
  });
  await page.goto('/signin');
  await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  expect(cspViolations.every((v) => v.includes('script-src'))).toBe(true);
  cspViolations.length = 0; // expected here; the fixture fails the test on any other
});

async function tour(page: Page, paths: string[]) {
  for (const path of paths) {
    await page.goto(path);
    await expect(page.getByRole('heading').first()).toBeVisible();
  }
}

test('every portal page loads under the CSP for each role', async ({ page }) => {
  test.setTimeout(300_000);
  await tour(page, ['/signin', '/signup']);
  await signIn(page, DEMO.owner);
  await tour(page, ['/dashboard', '/dashboard/keys', '/dashboard/receipts', '/dashboard/allowlist', '/dashboard/fallback', '/dashboard/team', '/dashboard/billing']);
  // Client-side data (tRPC through react-query) arrived: the page hydrated.
  await expect(page.getByText(/^Usage in .+ \(UTC\)$/).or(page.getByRole('heading', { name: 'Billing' })).first()).toBeVisible();
  await signOut(page);
  await signIn(page, DEMO.admin);
  await tour(page, ['/admin', '/admin/keys', '/admin/allowlist', '/admin/audit', '/admin/plans', '/admin/reserved']);
  await signOut(page);
  await signIn(page, DEMO.auditor);
  await tour(page, ['/auditor']);
});

test('an 8 MiB tRPC body is refused with 413', async ({ request }) => {
  const res = await request.post('/api/trpc/account.signUp?batch=1', {
    headers: { 'content-type': 'application/json' },
    data: `{"0":{"json":{"name":"${'a'.repeat(8 * 1024 * 1024)}","company":"x","email":"big@example.com","password":"long-enough-password"}}}`,
  });
  expect(res.status()).toBe(413);
});
