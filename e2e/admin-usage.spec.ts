import { readFileSync } from 'node:fs';
import { DEMO, E2E_API_KEY, expect, signIn, snap, test } from './support';

const example = JSON.parse(readFileSync('server/mappings/verticals/finance/examples/finance-demo.json', 'utf8')) as Record<string, unknown>;

test.describe.configure({ timeout: 180_000 });

test("an admin reviews a tenant's usage statement: verified server-side, no drift", async ({ page, request }, info) => {
  for (let i = 0; i < 3; i++) {
    const res = await request.post('/v1/exchange', {
      headers: { 'X-SIGNET-API-Key': E2E_API_KEY, 'X-SIGNET-Idempotency-Key': `admin-usage-${Date.now()}-${i}` },
      data: { payload_type: example.payload_type, target_type: example.target_type, payload: example.payload },
    });
    expect(res.status()).toBe(200);
  }
  // Sequenced, batched, and sent by the outbox to the local provider (within its 5 s interval).
  const bundle = () => request.get('/v1/billing/usage-proof', { headers: { 'X-SIGNET-API-Key': E2E_API_KEY } }).then((r) => r.json());
  await expect.poll(async () => ((await bundle()) as { statement: { pending_units: { vex: number } } }).statement.pending_units.vex, { timeout: 20_000 }).toBe(0);
  await expect.poll(async () => ((await bundle()) as { provider: { pending: string[] } }).provider.pending.length, { timeout: 30_000 }).toBe(0);

  await signIn(page, DEMO.admin);
  await page.goto('/admin/tenants/partner');
  await page.getByRole('link', { name: 'Usage statements' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Usage statements' })).toBeVisible();
  await expect(page.getByTestId('usage-review-verdict')).toContainText(/Verified: \d+ receipts in \d+ batches/, { timeout: 30_000 });
  await expect(page.getByTestId('usage-review-verdict')).toContainText('the billing provider matches');
  await expect(page.getByText('The statement, the usage ledger, its rollups and the billing outbox agree.')).toBeVisible();
  await expect(page.getByText('open', { exact: true })).toBeVisible();
  await snap(page, info, 'admin-usage-review');

  await page.getByLabel('Period').selectOption('previous');
  await expect(page.getByText(/^Statement, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}$/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/closed · (stored|not yet complete)/)).toBeVisible();
});
