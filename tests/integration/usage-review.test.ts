// The admin's review of a tenant's period: the stored statement of a closed period re-verified
// with the CLI's verifier, and the drift computation catching a row slipped into a batch, a
// rollup changed behind the ledger's back and a billed value the outbox never sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDueBatches } from '@/server/billing/outbox-worker';
import { localProvider } from '@/server/billing/provider';
import { loadConfig } from '@/server/config';
import { startTransparencyLog } from '@/server/log/start';
import { reviewPeriod } from '@/server/usage-proof/review';
import { startTestApi, type TestApi } from '../support/api';

let api: TestApi;
let log: Awaited<ReturnType<typeof startTransparencyLog>>;
const TENANT = 'review-co';
const now = new Date();
const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
// The tenant's current month, seen from after it ended: a closed period with a stored statement.
const later = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2));

const exchange = (n: number) => ({
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: JSON.stringify({ invoice_id: `REV-${n}`, amount: n + 1, currency: 'USD' }) } }] },
});

beforeAll(async () => {
  api = await startTestApi();
  log = await startTransparencyLog({ ...loadConfig(), log: { origin: null, witnesses: [], sequencer: false } });
  const key = await api.tenantWithKey(TENANT);
  for (let i = 0; i < 4; i++) expect((await api.exchange(key, exchange(i))).status).toBe(200);
  while ((await log.sequencer.runBatch()).sequenced > 0);
}, 120_000);

afterAll(async () => {
  await log?.stop();
  await api?.close();
});

describe('admin usage review', () => {
  it('shows the stored statement of a closed period, verified, without drift', async () => {
    await reviewPeriod(TENANT, start, later); // forms the batches and stores the statement
    expect(await sendDueBatches(localProvider(), { windowMs: 0, now: () => later })).toMatchObject({ sent: 1, failed: 0 });
    const review = await reviewPeriod(TENANT, start, later);
    expect(review).toMatchObject({ closed: true, stored: true, statementError: null, drift: [] });
    expect(review.statement!.statement.meters.vex.units).toBe(4);
    expect(review.verification).toMatchObject({ valid: true, provider: 'matches', units: { vex: 4, fu: 0 } });
    expect(review.storedPeriods).toEqual([start]);
  });

  it('names the drift when a ledger row is slipped into a batch, a rollup changes or a billed value differs', async () => {
    const [batch] = await api.db.sql.query<{ id: string; identifier: string }>(`SELECT id, identifier FROM billing_batches WHERE tenant_id = $1 AND meter = 'vex'`, [TENANT]);
    await api.db.sql.query(`INSERT INTO usage_events (tenant_id, meter, units, receipt_hash, occurred_at, batch_id) VALUES ($1, 'vex', 3, $2, $3, $4)`, [
      TENANT,
      `sha256:${'e'.repeat(64)}`,
      new Date(`${start}T00:00:01Z`).toISOString(),
      batch!.id,
    ]);
    let review = await reviewPeriod(TENANT, start, later);
    expect(review.drift).toEqual([
      expect.objectContaining({ source: 'ledger', meter: 'vex', batch: batch!.identifier, expected: '4', actual: '7' }),
    ]);
    // The statement is stored and unchanged; the bundle's receipts still prove it.
    expect(review.verification?.valid).toBe(true);

    await api.db.sql.query(`DELETE FROM usage_events WHERE receipt_hash = $1`, [`sha256:${'e'.repeat(64)}`]);
    await api.db.sql.query(`UPDATE usage_rollups SET units = units + 5 WHERE ctid = (SELECT ctid FROM usage_rollups WHERE tenant_id = $1 AND meter = 'vex' LIMIT 1)`, [TENANT]);
    await api.db.sql.query(`UPDATE billing_batches SET billed_units = billed_units - 1 WHERE id = $1`, [batch!.id]);
    review = await reviewPeriod(TENANT, start, later);
    expect(review.drift.map((d) => [d.source, d.meter, d.expected, d.actual])).toEqual([
      ['rollups', 'vex', '4', '9'],
      ['provider', 'vex', '4', '3'],
    ]);
    expect(review.verification).toMatchObject({ valid: false, provider: 'differs' });
    expect(review.verification!.failures.map((f) => f.code)).toContain('PROVIDER_MISMATCH');
  });
});
