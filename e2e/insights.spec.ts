// The request log, the receipts explorer and trace timeline, and the admin KPIs: filters, keyset
// pages, the detail drawer, phone width and dark mode, with screenshots (and axe when installed).
import { readFile } from 'node:fs/promises';
import type { APIRequestContext, Page, TestInfo } from '@playwright/test';
import { createKeyInPortal, DEMO, expect as baseExpect, signIn, snap, test } from './support';

// Generous: on a shared 2-core machine a sign-up (Argon2) or a first page render can take seconds.
const expect = baseExpect.configure({ timeout: 60_000 });

const example = JSON.parse(await readFile('server/mappings/verticals/finance/examples/finance-demo.json', 'utf8')) as { payload_type: string; target_type: string; payload: unknown };
const AXE = '@axe-core/playwright';

test.describe.configure({ mode: 'serial', timeout: 600_000 });

/** Zero serious or critical axe violations, when @axe-core/playwright is installed. */
async function axe(page: Page, info: TestInfo) {
  const mod = (await import(AXE).catch(() => null)) as { default: new (o: { page: Page }) => { analyze(): Promise<{ violations: { id: string; impact?: string | null }[] }> } } | null;
  if (!mod) return info.annotations.push({ type: 'axe', description: `${AXE} not installed: accessibility not checked` });
  const { violations } = await new mod.default({ page }).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
}

function send(request: APIRequestContext, key: string, body: Record<string, unknown>, idempotencyKey = `ins-${Date.now()}-${Math.random()}`) {
  return request.post('/v1/exchange', { headers: { 'X-SIGNET-API-Key': key, 'X-SIGNET-Idempotency-Key': idempotencyKey }, data: body });
}

const invoice = (args: string, traceId?: string) => ({
  payload_type: example.payload_type,
  target_type: example.target_type,
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: args } }] },
  ...(traceId && { trace_id: traceId }),
});

test('an owner reads the request log and pages the receipts explorer and a trace timeline', async ({ page, request }, info) => {
  // A tenant of its own, so the other journeys' usage counts stay as they expect.
  await page.goto('/signup');
  await page.getByLabel('Your name').fill('Ines Insight');
  await page.getByLabel('Company').fill('Insights Co');
  await page.getByLabel('Work email').fill(`insights-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('correct-horse-battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  const key = await createKeyInPortal(page, 'insights agent');

  // 56 receipts on one trace (one repaired), a refusal and a replay.
  const traceId = `ins-${Date.now()}`;
  const first = await send(request, key, invoice('{"invoice_id":"INV-I1","amount":10,"currency":"USD"}', traceId), 'ins-replayed');
  expect(first.status()).toBe(200);
  expect((await send(request, key, invoice("{'invoice_id':'INV-I2','amount':11,'currency':'USD'}", traceId))).status()).toBe(200);
  for (let i = 3; i <= 56; i++) expect((await send(request, key, invoice(`{"invoice_id":"INV-I${i}","amount":${i},"currency":"USD"}`, traceId))).status()).toBe(200);
  expect((await send(request, key, { ...invoice('{}'), payload: { tool_calls: [] } })).status()).toBe(422);
  const replay = await send(request, key, invoice('{"invoice_id":"INV-I1","amount":10,"currency":"USD"}', traceId), 'ins-replayed');
  expect(replay.headers()['x-signet-idempotency-hit']).toBe('1');

  await page.getByRole('navigation', { name: 'Section' }).getByRole('link', { name: 'Request log' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Request log' })).toBeVisible();
  await expect(page.getByText('Request bodies are not stored')).toBeVisible();
  const requests = page.getByRole('table', { name: 'Requests, newest first' });
  await expect(requests.getByText('INPUT_SCHEMA_INVALID')).toBeVisible(); // not the hidden <option> of the code filter
  await expect(requests.getByText('200 replay')).toBeVisible();
  await snap(page, info, 'tenant-request-log');
  await axe(page, info);

  await page.getByLabel('Outcome').selectOption('refused');
  await page.getByLabel('Error code').selectOption('INPUT_SCHEMA_INVALID');
  const table = requests;
  await expect(table.getByRole('row')).toHaveCount(2); // header + the one refusal
  await table.getByRole('button', { name: /Details/ }).click();
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await expect(drawer.getByText('Error message')).toBeVisible();
  await expect(drawer.getByText(/does not match/)).toBeVisible();
  await expect(drawer.getByText('No receipt: the request was refused')).toBeVisible();
  await snap(page, info, 'tenant-request-log-drawer');
  await axe(page, info);
  await drawer.getByRole('button', { name: 'Close' }).click();

  await page.getByLabel('Outcome').selectOption('success');
  await page.getByLabel('Error code').selectOption('');
  await expect(table.getByText('INPUT_SCHEMA_INVALID')).toHaveCount(0); // the filtered list has arrived
  await table.getByRole('button', { name: /Details/ }).first().click();
  await expect(drawer.getByRole('button', { name: 'Copy receipt hash' })).toBeVisible();
  await expect(drawer.getByText('"receipt_hash"')).toBeVisible();
  await drawer.getByRole('button', { name: 'Close' }).click();

  // The explorer: 50 per page, then the rest; the repaired filter finds hop 2.
  await page.getByRole('navigation', { name: 'Section' }).getByRole('link', { name: 'Receipts' }).click();
  await page.getByLabel('Trace id').fill(traceId);
  const list = page.getByRole('list', { name: 'Receipts, newest first' });
  await expect(list.getByRole('listitem')).toHaveCount(50);
  await page.getByRole('button', { name: 'Load older receipts' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(56);
  await expect(page.getByText('That is every receipt matching these filters (56)')).toBeVisible();
  await page.getByLabel('Repaired').selectOption('yes');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByText('hop 2')).toBeVisible();
  await snap(page, info, 'tenant-receipts-explorer');
  await axe(page, info);

  await list.getByRole('link', { name: traceId }).click();
  await expect(page.getByRole('heading', { name: 'Receipt chain' })).toBeVisible();
  await expect(page.getByText('Timeline, 56 hops')).toBeVisible();
  await page.getByText('Hop 2', { exact: true }).click();
  await expect(page.getByText('Repaired by deterministic rules (no tokens)')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy trace id' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy cid' }).first()).toBeVisible();
  await snap(page, info, 'tenant-trace-timeline');
  await axe(page, info);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/dashboard/requests');
  await expect(page.getByRole('list', { name: 'Requests, newest first' }).getByRole('button', { name: /Details/ }).first()).toBeInViewport();
  await snap(page, info, 'tenant-request-log-phone');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`/dashboard/receipts/${traceId}`);
  await expect(page.getByText('Timeline, 56 hops')).toBeVisible();
  await snap(page, info, 'tenant-trace-timeline-phone-dark');
});

test('an admin reads the KPIs, sets a reserved contract fee and sees it in MRR', async ({ page }, info) => {
  await signIn(page, DEMO.admin);
  await page.getByRole('navigation', { name: 'Section' }).getByRole('link', { name: 'KPIs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'KPIs' })).toBeVisible();
  await expect(page.getByText('Success without fallback', { exact: true })).toBeVisible();
  const mrr = page.getByRole('term').filter({ hasText: /^MRR$/ }).locator('xpath=following-sibling::dd[1]');
  const before = Number((await mrr.innerText()).replace(/[$,]/g, ''));
  await expect(page.getByRole('table', { name: 'KPIs per month' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Refused requests by error code and month' })).toContainText('INPUT_SCHEMA_INVALID');
  await snap(page, info, 'admin-kpis');
  await axe(page, info);

  await page.goto('/admin/reserved');
  await page.getByLabel('Tenant').selectOption('demo');
  await expect(page.getByLabel('Contract fee per month (USD)')).toHaveValue('0');
  if (await page.getByText('Demo Company has no reserved capacity yet').isVisible()) {
    // billing.spec.ts gives the demo tenant reserved capacity; run alone, this spec does.
    await page.getByRole('group', { name: 'VEx overage tiers' }).getByLabel('Tier 1: up to (VEx)').fill('100000');
    await page.getByRole('group', { name: 'VEx overage tiers' }).getByLabel('Tier 1: price per unit (USD)').fill('0.004');
    await page.getByRole('group', { name: 'FU overage tiers' }).getByLabel('Tier 1: up to (FU tokens)').fill('500000');
    await page.getByRole('group', { name: 'FU overage tiers' }).getByLabel('Tier 1: price per unit (USD)').fill('0.0008');
  }
  await page.getByLabel('Contract fee per month (USD)').fill('1200');
  await page.getByRole('button', { name: 'Save reserved capacity' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  await page.goto('/admin/kpis?months=12');
  await expect(page.getByRole('link', { name: '12 months' })).toHaveAttribute('aria-current', 'page');
  await expect(mrr).toHaveText(`$${(before + 1200).toLocaleString('en-US', { minimumFractionDigits: 2 })}`);
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, info, 'admin-kpis-phone');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 1440, height: 900 });
  await snap(page, info, 'admin-kpis-dark');
});
