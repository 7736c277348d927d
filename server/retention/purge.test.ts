import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '@/tests/support/api';
import { jwks } from '../keys/signing-keys';
import { verifyChain } from '../receipts/verify';
import { purgeExpiredTraces, retentionCutoff, RetentionError } from './purge';

const NOW = new Date();
const EIGHT_YEARS_AGO = retentionCutoff(NOW, 8);
let api: TestApi;
let freshTrace: string;

async function insertTrace(id: string, hopsAt: Date[], tenant = 'ret') {
  const hashOf = (hop: number) => `${tenant === 'ret' ? '' : `${tenant}-`}${id}-h${hop}`;
  await api.db.sql.query(`INSERT INTO traces (id, tenant_id, head_hop, head_hash, updated_at) VALUES ($1, $2, $3, $4, $5)`, [id, tenant, hopsAt.length, hashOf(hopsAt.length), hopsAt.at(-1)]);
  for (const [i, at] of hopsAt.entries()) {
    await api.db.sql.query(
      `INSERT INTO receipts (trace_id, hop, tenant_id, receipt_hash, payload_type, target_type, cid, created_at, body) VALUES ($1, $2, $3, $4, 'p', 't', 'c', $5, '{}')`,
      [id, i + 1, tenant, hashOf(i + 1), at],
    );
    await api.db.sql.query(`INSERT INTO usage_events (tenant_id, meter, units, receipt_hash, occurred_at) VALUES ($1, 'vex', 1, $2, $3)`, [tenant, hashOf(i + 1), at]);
  }
}

const count = async (table: string, where = 'true') => Number((await api.db.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE ${where}`))[0]!.n);

beforeAll(async () => {
  api = await startTestApi();
  const key = await api.tenantWithKey('ret');
  const res = await api.exchange(key, {
    payload_type: 'openai.tooluse.invoice.v1',
    target_type: 'invoice.iso20022.v1',
    payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-R","amount":1,"currency":"USD"}' } }] },
  });
  freshTrace = (await res.json()).trace_id;
  await insertTrace('old-1', [EIGHT_YEARS_AGO, EIGHT_YEARS_AGO]);
  await insertTrace('mixed', [EIGHT_YEARS_AGO, NOW]);
  await api.db.sql.query(`INSERT INTO idempotency_records (api_key_id, key, status, response_body, trace_id) SELECT id, 'old-idem', 200, '{}', 'old-1' FROM api_keys WHERE tenant_id = 'ret'`);
  // Another tenant's live trace with the same id: a trace is (tenant, id), and this one stays.
  await api.tenantWithKey('ret-other');
  await insertTrace('old-1', [NOW], 'ret-other');
  await api.db.sql.query(`INSERT INTO idempotency_records (api_key_id, key, status, response_body, trace_id) SELECT id, 'other-idem', 200, '{}', 'old-1' FROM api_keys WHERE tenant_id = 'ret-other'`);
});
afterAll(async () => {
  await api?.close();
});

describe('retention purge', () => {
  it('refuses a date inside the retention period and deletes nothing', async () => {
    await expect(purgeExpiredTraces({ before: retentionCutoff(NOW, 6), retentionYears: 7, now: NOW })).rejects.toThrow(RetentionError);
    await expect(purgeExpiredTraces({ before: new Date('not a date'), retentionYears: 7, now: NOW })).rejects.toThrow(/not a valid date/);
    expect(await count('receipts')).toBe(6);
  });

  it('counts without deleting on a dry run', async () => {
    const report = await purgeExpiredTraces({ before: retentionCutoff(NOW, 7), retentionYears: 7, now: NOW, dryRun: true });
    expect(report).toMatchObject({ traces: 1, receipts: 2, usageEvents: 2, idempotencyRecords: 1, dryRun: true });
    expect(await count('receipts')).toBe(6);
  });

  it('removes whole expired traces only, audit-logs it, and leaves the append-only guard in force', async () => {
    const report = await purgeExpiredTraces({ before: retentionCutoff(NOW, 7), retentionYears: 7, now: NOW });
    expect(report).toMatchObject({ traces: 1, receipts: 2, usageEvents: 2, idempotencyRecords: 1, dryRun: false });
    expect(await count('traces', `id = 'old-1' AND tenant_id = 'ret'`)).toBe(0);
    expect(await count('receipts', `trace_id = 'old-1' AND tenant_id = 'ret'`)).toBe(0);
    expect(await count('usage_events', `receipt_hash LIKE 'old-1-%'`)).toBe(0);
    expect(await count('idempotency_records', `key = 'old-idem'`)).toBe(0);
    // The other tenant's trace with the same id is untouched.
    expect(await count('traces', `id = 'old-1' AND tenant_id = 'ret-other'`)).toBe(1);
    expect(await count('receipts', `trace_id = 'old-1' AND tenant_id = 'ret-other'`)).toBe(1);
    expect(await count('idempotency_records', `key = 'other-idem'`)).toBe(1);
    // A trace with one expired and one live receipt is kept whole: a chain is never cut.
    expect(await count('receipts', `trace_id = 'mixed'`)).toBe(2);
    const chain = await api.db.sql.query<{ body: string }>('SELECT body FROM receipts WHERE trace_id = $1 ORDER BY hop', [freshTrace]);
    expect(verifyChain(chain.map((r) => JSON.parse(r.body)), await jwks()).valid).toBe(true);

    const [entry] = await api.db.sql.query<{ action: string; actor_email: string; detail: { receipts: number } }>(`SELECT action, actor_email, detail FROM audit_log WHERE action = 'retention.purge'`);
    expect(entry).toMatchObject({ action: 'retention.purge', actor_email: 'system:retention-purge', detail: { receipts: 2 } });

    // SET LOCAL: outside the purge transaction receipts are append-only again.
    await expect(api.db.sql.query(`DELETE FROM receipts WHERE trace_id = 'mixed'`)).rejects.toThrow(/append-only/);
  });

  it('purges in bounded batches, one transaction each, skipping a trace locked by an append, and never touches log leaves', async () => {
    for (let i = 0; i < 5; i++) await insertTrace(`bulk-${i}`, [EIGHT_YEARS_AGO, EIGHT_YEARS_AGO], 'ret-other');
    await api.db.sql.query(`INSERT INTO log_leaves (leaf_index, receipt_hash) SELECT 1000 + row_number() OVER (ORDER BY id), receipt_hash FROM receipts WHERE trace_id LIKE 'bulk-%'`);
    const leaves = await count('log_leaves');
    const dry = await purgeExpiredTraces({ before: retentionCutoff(NOW, 7), retentionYears: 7, now: NOW, dryRun: true, batchSize: 2 });
    expect(dry).toMatchObject({ traces: 5, receipts: 10, usageEvents: 10, batches: 3, dryRun: true });

    let locked = 0;
    if (api.db.url) {
      // On PostgreSQL, a transaction appending to bulk-0 holds its row: the purge neither waits for it nor takes it.
      const holder = new pg.Client({ connectionString: api.db.url });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM traces WHERE tenant_id = 'ret-other' AND id = 'bulk-0' FOR UPDATE`);
      try {
        const report = await purgeExpiredTraces({ before: retentionCutoff(NOW, 7), retentionYears: 7, now: NOW, batchSize: 2 });
        expect(report).toMatchObject({ traces: 4, receipts: 8, usageEvents: 8, batches: 3 });
        locked = 1;
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
    }
    const report = await purgeExpiredTraces({ before: retentionCutoff(NOW, 7), retentionYears: 7, now: NOW, batchSize: 2 });
    expect(report).toMatchObject({ traces: 5 - 4 * locked, batches: locked ? 1 : 3 });
    expect(await count('traces', `id LIKE 'bulk-%'`)).toBe(0);
    expect(await count('usage_events', `receipt_hash LIKE 'ret-other-bulk-%'`)).toBe(0);
    expect(await count('log_leaves')).toBe(leaves);
    expect(await count('usage_rollups', `tenant_id = 'ret-other' AND units <> 0 AND hour < '${NOW.getUTCFullYear() - 1}-01-01'`)).toBe(0);
  });

  it('reads the retention period from SP_RETENTION_YEARS (default 7)', async () => {
    const saved = process.env.SP_RETENTION_YEARS;
    const dryRun = { before: retentionCutoff(NOW, 8), now: NOW, dryRun: true };
    try {
      delete process.env.SP_RETENTION_YEARS;
      await expect(purgeExpiredTraces(dryRun)).resolves.toMatchObject({ dryRun: true });
      process.env.SP_RETENTION_YEARS = '10';
      await expect(purgeExpiredTraces(dryRun)).rejects.toThrow(/10-year retention period/);
      process.env.SP_RETENTION_YEARS = '0';
      await expect(purgeExpiredTraces(dryRun)).rejects.toThrow(/SP_RETENTION_YEARS="0": must be a whole number >= 1/);
    } finally {
      if (saved === undefined) delete process.env.SP_RETENTION_YEARS;
      else process.env.SP_RETENTION_YEARS = saved;
    }
  });
});
