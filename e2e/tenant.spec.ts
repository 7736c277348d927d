import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { DEMO, expect, signIn, signOut, snap, test } from './support';

const example = JSON.parse(await readFile('server/mappings/verticals/finance/examples/finance-demo.json', 'utf8')) as {
  payload_type: string;
  target_type: string;
  payload: unknown;
};

async function openNav(page: Page, label: string, heading: string) {
  await page.getByRole('navigation', { name: 'Section' }).getByRole('link', { name: label }).click();
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

test('an owner creates a key, calls the API with it, and explores, verifies and exports the receipt chain', async ({ page, request }, info) => {
  await signIn(page, DEMO.owner);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();

  await openNav(page, 'API keys', 'API keys');
  await page.getByLabel('Name').fill('e2e agent');
  await page.getByLabel('Extra forward allowlist for this key (optional)').fill('https://bad.example.com/path');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'not a host pattern' })).toBeVisible();
  await page.getByLabel('Extra forward allowlist for this key (optional)').fill('api.partner.example.com');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByText("you won't see it again")).toBeVisible();
  const secret = await page.getByLabel('API key secret').inputValue();
  expect(secret).toMatch(/^sk_live_/);
  // Ready-to-run snippets carry the new key (the integration tests run them).
  await expect(page.getByTestId('snippet-code')).toContainText(`X-SIGNET-API-Key: ${secret}`);
  await page.getByRole('tab', { name: 'Python' }).click();
  await expect(page.getByTestId('snippet-code')).toContainText(`"X-SIGNET-API-Key": "${secret}"`);
  await page.getByRole('tab', { name: 'TypeScript' }).click();
  await expect(page.getByTestId('snippet-code')).toContainText(`'X-SIGNET-API-Key': "${secret}"`);
  await snap(page, info, 'tenant-keys-secret-once');
  await page.getByRole('button', { name: "I've saved it" }).click();
  await expect(page.getByLabel('API key secret')).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);
  await expect(page.getByRole('row', { name: /e2e agent/ })).toContainText('api.partner.example.com');
  await snap(page, info, 'tenant-keys');

  const res = await request.post('/v1/exchange', {
    headers: { 'X-SIGNET-API-Key': secret, 'X-SIGNET-Idempotency-Key': `e2e-${Date.now()}` },
    data: { payload_type: example.payload_type, target_type: example.target_type, payload: example.payload },
  });
  expect(res.status()).toBe(200);
  const { trace_id: traceId } = (await res.json()) as { trace_id: string };

  await openNav(page, 'Receipts', 'Receipts');
  await page.getByLabel('Trace id').fill(traceId.slice(0, 8));
  await expect(page.getByRole('link', { name: traceId })).toBeVisible();
  await snap(page, info, 'tenant-receipts');
  await page.getByRole('link', { name: traceId }).click();
  await expect(page.getByRole('heading', { name: 'Receipt chain' })).toBeVisible();
  await expect(page.getByText('Verified in your browser')).toBeVisible();
  await expect(page.getByText('✓ valid')).toBeVisible();
  await page.getByText('Hop 1', { exact: true }).click();
  await page.getByText('Normalized payload').click();
  await expect(page.getByText('"FinancialInvoice"')).toBeVisible();
  await snap(page, info, 'tenant-receipt-chain');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export bundle' }).click()]);
  expect(download.suggestedFilename()).toBe(`signet-${traceId}.json`);
  const bundle = JSON.parse(await readFile((await download.path())!, 'utf8')) as { trace_id: string; chain: { hop: number }[]; signature: string };
  expect(bundle.trace_id).toBe(traceId);
  expect(bundle.chain.map((r) => r.hop)).toEqual([1]);
  expect(bundle.signature).toBeTruthy();

  await page.goto('/dashboard/receipts/no-such-trace-0001');
  await expect(page.getByRole('heading', { name: 'Trace not found' })).toBeVisible();
  await snap(page, info, 'tenant-receipt-not-found');

  await page.goto('/dashboard');
  await expect(page.getByText('Active API keys')).toBeVisible();
  // The included amount depends on the demo tenant's plan, which the billing spec may change.
  await expect(page.getByRole('progressbar', { name: 'Verified exchanges (VEx)' })).toHaveAttribute('aria-valuetext', /^1 of [\d,]+ VEx included$/);
  await expect(page.getByRole('heading', { name: 'Projected bill' })).toBeVisible();
  await expect(page.getByText(/^\$[\d,]+\.\d{2}$/).first()).toBeVisible();
  await snap(page, info, 'tenant-overview');
});

test('owner settings: key rotation and revocation, allowlist with inline errors and URL test, fallback limits', async ({ page }, info) => {
  await signIn(page, DEMO.owner);
  await openNav(page, 'API keys', 'API keys');
  await page.getByRole('button', { name: 'Rotate Demo key' }).click();
  await page.getByLabel('Keep the old key working for').selectOption('1h');
  await page.getByRole('button', { name: 'Rotate now' }).click();
  await expect(page.getByRole('heading', { name: 'Key “Demo key” rotated' })).toBeVisible();
  await expect(page.getByText('The old key keeps working until')).toBeVisible();
  expect(await page.getByLabel('API key secret').inputValue()).toMatch(/^sk_live_/);
  await expect(page.getByRole('row', { name: /Demo key/ })).toHaveCount(2);
  // The old key is told apart: rotating out, with its expiry; the new one is active.
  await expect(page.getByRole('row', { name: /Demo key/ }).getByTestId('rotating-out')).toHaveCount(1);
  await expect(page.getByRole('row', { name: /Demo key/ }).getByTestId('rotating-out')).toContainText(/rotating out\s*expires /);
  await expect(page.getByRole('row', { name: /Demo key/ }).filter({ hasNot: page.getByTestId('rotating-out') })).toContainText('active');
  await snap(page, info, 'tenant-keys-rotated');
  await page.getByRole('button', { name: "I've saved it" }).click();
  await page.getByRole('button', { name: 'Revoke Demo key' }).first().click();
  await expect(page.getByText('Apps using it are refused at once')).toBeVisible();
  await snap(page, info, 'tenant-keys-revoke-confirm');
  await page.getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(page.getByRole('row', { name: /Demo key/ }).filter({ hasText: 'revoked' })).toHaveCount(1);

  await openNav(page, 'Egress allowlist', 'Egress allowlist');
  await page.getByLabel('Add a host').fill('*.com');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'a wildcard needs a domain' })).toBeVisible();
  await snap(page, info, 'tenant-allowlist-error');
  await page.getByLabel('Add a host').fill('Hooks.Partner.Example.COM');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByText('Added hooks.partner.example.com.')).toBeVisible();
  await page.getByLabel('Forward URL').fill('https://127.0.0.1/hook');
  await page.getByRole('button', { name: 'Test' }).click();
  await expect(page.getByText('HEL_RESOLVED_LOOPBACK')).toBeVisible();
  await snap(page, info, 'tenant-allowlist');

  await openNav(page, 'LLM fallback', 'LLM fallback');
  await page.getByLabel('Enable the LLM fallback for this tenant').check();
  await page.getByLabel('FU monthly limit').fill('lots');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'whole number' })).toBeVisible();
  await page.getByLabel('FU monthly limit').fill('25000');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'FU tokens used' })).toHaveAttribute('aria-valuetext', '0 of 25,000 FU');
  await snap(page, info, 'tenant-fallback');
});

test('an invited member joins through the invite link and sees no owner actions', async ({ page }, info) => {
  await signIn(page, DEMO.owner);
  await openNav(page, 'Team', 'Team');
  const email = `member-${Date.now()}@example.com`;
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const link = await page.getByLabel('Invitation link').inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{40,}$/);
  await snap(page, info, 'tenant-team-invite');
  await page.getByRole('button', { name: `Remove ${DEMO.owner}` }).click();
  await page.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'at least one owner' })).toBeVisible();
  await signOut(page);

  await page.goto(new URL(link).pathname);
  await expect(page.getByRole('heading', { name: 'Join Demo Company on Signet' })).toBeVisible();
  await snap(page, info, 'tenant-invite-accept');
  await page.getByLabel('Your name').fill('Mia Member');
  await page.getByLabel('Password').fill('member-password-123');
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText('you are a member')).toBeVisible();

  await openNav(page, 'API keys', 'API keys');
  await expect(page.getByRole('row', { name: /e2e agent/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create key' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^(Revoke|Rotate) / })).toHaveCount(0);
  await snap(page, info, 'tenant-keys-member');
  await openNav(page, 'Egress allowlist', 'Egress allowlist');
  await expect(page.getByText('hooks.partner.example.com')).toBeVisible();
  await expect(page.getByLabel('Add a host')).toHaveCount(0);
  await openNav(page, 'LLM fallback', 'LLM fallback');
  await expect(page.getByRole('button', { name: 'Save settings' })).toHaveCount(0);
  await openNav(page, 'Team', 'Team');
  await expect(page.getByText(email)).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Remove / })).toHaveCount(0);
  await snap(page, info, 'tenant-team-member');
});

test('the tenant pages fit a 375 px wide screen', async ({ page }, info) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, DEMO.owner);
  for (const path of ['/dashboard', '/dashboard/keys', '/dashboard/receipts']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
    await snap(page, info, `tenant-mobile${path.replaceAll('/', '-')}`);
  }
});
