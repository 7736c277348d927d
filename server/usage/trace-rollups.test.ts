// The hourly trace counts equal the traces exactly: after group commits from two "instances" at
// once, concurrent inserts across hours and deletes (the retention purge); they are what a
// month's count is read from. PGlite by default, PostgreSQL with DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../db/sql';
import { createSigner, generateSeed } from '../receipts/node-signer';
import { appendTestReceipt } from '../../tests/support/commit';
import { anotherInstance, openTestDatabase, type TestDatabase } from '../../tests/support/db';
import { tracesCreated, verifyTraceRollups } from './trace-rollups';

let db: TestDatabase;
const signer = createSigner(generateSeed(), 'k-trace-rollup-test');

beforeAll(async () => {
  db = await openTestDatabase();
  for (const id of ['acme', 'globex']) await db.prisma.tenant.create({ data: { id, name: id } });
});
afterAll(async () => {
  await db?.dispose();
});

let seq = 0;
const exchange = (sql: SqlClient, tenant: string, traceId: string) => appendTestReceipt(sql, signer, { tenant, traceId });

/** Trace rows created at chosen instants, as many statements at once as the pool has connections. */
function insertTraces(rows: { tenant: string; at: string }[]) {
  return Promise.all(
    rows.map((r) =>
      db.sql.query('INSERT INTO traces (tenant_id, id, head_hop, head_hash, created_at, updated_at) VALUES ($1, $2, 0, $3, $4, $4)', [r.tenant, `raw-${++seq}`, `sha256:${seq}`, r.at]),
    ),
  );
}

async function rawCount(tenant: string, start: string, end: string) {
  const [row] = await db.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM traces WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3', [tenant, start, end]);
  return Number(row!.n);
}

const monthOf = (d: Date) => {
  const start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  return { start, end: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) };
};

describe('trace rollups', () => {
  it('count each new trace once through concurrent group commits from two instances', async () => {
    const instanceB = anotherInstance(db.sql);
    // 60 exchanges on 7 traces per tenant: hop 0 creates a trace, later hops move its head.
    const results = [];
    for (let round = 0; round < 3; round++) {
      results.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => exchange(i % 2 ? db.sql : instanceB, i % 3 ? 'acme' : 'globex', `tr-${i % 7}-${round % 2}`)))));
    }
    expect(results.filter((r) => r.kind === 'committed').length).toBeGreaterThan(0);
    expect(await verifyTraceRollups(db.sql)).toEqual([]);
    const { start, end } = monthOf(new Date());
    for (const tenant of ['acme', 'globex']) expect(await tracesCreated(db.sql, tenant, start, end)).toBe(await rawCount(tenant, start.toISOString(), end.toISOString()));
  });

  it('stay equal to the traces through concurrent inserts across hours and deletes', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({
      tenant: i % 5 ? 'acme' : 'globex',
      // 2026-03-01T00:00 .. about 2026-03-09, milliseconds at hour edges included
      at: new Date(Date.UTC(2026, 2, 1) + i * 2_437_000 + (i % 7 === 0 ? 999 : 0)).toISOString(),
    }));
    rows.push({ tenant: 'acme', at: '2026-03-02T05:00:00.000Z' }, { tenant: 'acme', at: '2026-03-02T04:59:59.999Z' });
    await insertTraces(rows);
    expect(await verifyTraceRollups(db.sql)).toEqual([]);
    for (const [a, b] of [
      ['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
      ['2026-03-02T04:00:00.000Z', '2026-03-02T05:00:00.000Z'],
      ['2026-03-02T05:00:00.000Z', '2026-03-05T13:00:00.000Z'],
    ]) {
      for (const tenant of ['acme', 'globex']) expect(await tracesCreated(db.sql, tenant, new Date(a!), new Date(b!)), `${tenant} ${a}..${b}`).toBe(await rawCount(tenant, a!, b!));
    }

    // As the retention purge deletes: chosen traces, in one statement.
    await db.sql.query(`DELETE FROM traces WHERE tenant_id = 'acme' AND id LIKE 'raw-%' AND created_at < '2026-03-03T07:30:00Z' AND length(id) % 2 = 0`);
    expect(await verifyTraceRollups(db.sql)).toEqual([]);
    expect(await tracesCreated(db.sql, 'acme', new Date('2026-03-01T00:00:00Z'), new Date('2026-04-01T00:00:00Z'))).toBe(await rawCount('acme', '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'));
  });

  it('refuse moving a trace’s tenant or creation time; its head may move', async () => {
    const [row] = await db.sql.query<{ id: string }>(`SELECT id FROM traces WHERE tenant_id = 'globex' AND id LIKE 'raw-%' LIMIT 1`);
    await expect(db.sql.query(`UPDATE traces SET created_at = created_at + interval '1 hour' WHERE tenant_id = 'globex' AND id = $1`, [row!.id])).rejects.toThrow(/immutable/);
    await db.sql.query(`UPDATE traces SET head_hop = head_hop + 1, updated_at = now() WHERE tenant_id = 'globex' AND id = $1`, [row!.id]);
    expect(await verifyTraceRollups(db.sql)).toEqual([]);
  });

  it('name a rollup that drifts, and refuse a range that is not whole hours', async () => {
    const [one] = await db.sql.query<{ hour: string; shard: number }>(`SELECT hour::text, shard FROM trace_rollups WHERE tenant_id = 'globex' ORDER BY hour, shard LIMIT 1`);
    const nudge = (by: number) => db.sql.query(`UPDATE trace_rollups SET traces = traces + $1 WHERE tenant_id = 'globex' AND hour = $2 AND shard = $3`, [by, one!.hour, one!.shard]);
    await nudge(3);
    const drift = await verifyTraceRollups(db.sql, 'globex');
    expect(drift).toHaveLength(1);
    expect(Number(drift[0]!.rollupTraces) - Number(drift[0]!.traces)).toBe(3);
    await nudge(-3);
    expect(await verifyTraceRollups(db.sql)).toEqual([]);
    await expect(tracesCreated(db.sql, 'acme', new Date('2026-03-01T00:20:00Z'), new Date('2026-04-01T00:00:00Z'))).rejects.toThrow(/whole hours/);
  });
});
