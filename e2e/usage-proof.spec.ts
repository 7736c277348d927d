import { readFile, writeFile } from 'node:fs/promises';
import { createKeyInPortal, DEMO, expect, signIn, snap, test } from './support';

const example = JSON.parse(await readFile('server/mappings/verticals/finance/examples/finance-demo.json', 'utf8')) as {
  payload_type: string;
  target_type: string;
  payload: unknown;
};

test.describe.configure({ timeout: 180_000 });

test('a tenant downloads the usage proof of its bill, verifies it in the browser, and a tampered one is refused', async ({ page, request }, info) => {
  await signIn(page, DEMO.owner);
  const secret = await createKeyInPortal(page, 'usage proof agent');
  await page.getByRole('button', { name: "I've saved it" }).click();
  for (let i = 0; i < 5; i++) {
    const res = await request.post('/v1/exchange', {
      headers: { 'X-SIGNET-API-Key': secret, 'X-SIGNET-Idempotency-Key': `usage-proof-${Date.now()}-${i}` },
      data: { payload_type: example.payload_type, target_type: example.target_type, payload: example.payload },
    });
    expect(res.status()).toBe(200);
  }
  // The receipts reach the log within a second; asking for a statement names them by batches,
  // which the billing outbox then reports to the (local) provider within its 5 s interval.
  await expect.poll(async () => (await request.get('/v1/billing/usage-proof', { headers: { 'X-SIGNET-API-Key': secret } })).json().then((b: { statement: { pending_units: { vex: number } } }) => b.statement.pending_units.vex), { timeout: 20_000 }).toBe(0);
  await expect
    .poll(async () => (await request.get('/v1/billing/usage-proof', { headers: { 'X-SIGNET-API-Key': secret } })).json().then((b: { provider: { pending: string[] } }) => b.provider.pending.length), { timeout: 30_000 })
    .toBe(0);

  await page.getByRole('navigation', { name: 'Section' }).getByRole('link', { name: 'Verify my bill' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Verify my bill' })).toBeVisible();
  await snap(page, info, 'verify-my-bill');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download usage proof' }).click()]);
  const path = info.outputPath('usage-proof.json');
  await download.saveAs(path);
  const text = await readFile(path, 'utf8');
  const bundle = JSON.parse(text) as { statement: { meters: { vex: { units: number } }; total: string }; receipts: { receipt_hash: string; meter: string }[]; tiles: unknown[] };
  const billed = bundle.receipts.map((r) => `${r.receipt_hash},${r.meter}`);
  expect(bundle.tiles.length).toBeGreaterThan(0);

  await page.getByLabel('Usage proof bundle (.json)').setInputFiles(path);
  const units = bundle.statement.meters.vex.units.toLocaleString('en-US');
  await expect(page.getByTestId('usage-verdict')).toContainText(`verified: ${units} VEx, $${bundle.statement.total}, matches the invoice`, { timeout: 30_000 });
  await snap(page, info, 'verify-my-bill-verified');

  // One receipt dropped from the bill: refused, naming the batch whose root no longer holds.
  bundle.receipts.pop();
  const tampered = info.outputPath('usage-proof-tampered.json');
  await writeFile(tampered, JSON.stringify(bundle, null, 2));
  await page.getByLabel('Usage proof bundle (.json)').setInputFiles(tampered);
  await expect(page.getByTestId('usage-verdict')).toContainText(/refused: batch (vex|fu):[0-9a-f]{64}: (its \d+ receipts in the bundle hash to root|the bundle has none of its receipts)/, { timeout: 30_000 });
  await expect(page.getByTestId('usage-verdict')).toContainText('UNITS_MISMATCH');
  await snap(page, info, 'verify-my-bill-refused');

  // The usage ledger behind the bill, from the billing page: every billed receipt is one of its rows.
  await page.getByRole('navigation', { name: 'Section' }).getByRole('link', { name: 'Plans & billing' }).click();
  const [ledger] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download usage ledger (CSV)' }).click()]);
  expect(ledger.suggestedFilename()).toMatch(/^signet-usage-ledger-demo-.*\.csv$/);
  const ledgerPath = info.outputPath('usage-ledger.csv');
  await ledger.saveAs(ledgerPath);
  const [header, ...rows] = (await readFile(ledgerPath, 'utf8')).trimEnd().split('\r\n');
  expect(header).toBe('receipt_hash,meter,units,occurred_at,api_key_id,batch_id');
  const inLedger = new Set(rows.map((row) => row.split(',').slice(0, 2).join(',')));
  expect(billed.filter((r) => !inLedger.has(r))).toEqual([]);
  await snap(page, info, 'billing-reconciliation-downloads');
});
