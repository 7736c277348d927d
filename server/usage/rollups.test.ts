// The hourly usage rollups equal the raw ledger exactly: after group commits from two
// "instances" at once, concurrent inserts from every pool connection, deletes (the retention
// purge) and through any period with partial first and last hours. PGlite by default, PostgreSQL
// with DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../db/sql';
import { createSigner, generateSeed } from '../receipts/node-signer';
import { periodUsage } from '../billing/usage';
import { appendTestReceipt } from '../../tests/support/commit';
import { anotherInstance, openTestDatabase, type TestDatabase } from '../../tests/support/db';
import { sumUsage, verifyRollups, wholeHours } from './rollups';

let db: TestDatabase;
const signer = createSigner(generateSeed(), 'k-rollup-test');

beforeAll(async () => {
  db = await openTestDatabase();
  for (const id of ['acme', 'globex']) await db.prisma.tenant.create({ data: { id, name: id } });
});
afterAll(async () => {
  await db?.dispose();
});

let seq = 0;
const exchange = (sql: SqlClient, tenant: string, traceId: string, fuTokens: number) => appendTestReceipt(sql, signer, { tenant, traceId, fuTokens });

/** Usage rows at chosen instants, as many statements at once as the pool has connections. */
async function insertUsage(rows: { tenant: string; meter: string; units: number; at: string }[]) {
  await Promise.all(
    rows.map((r) =>
      db.sql.query('INSERT INTO usage_events (tenant_id, meter, units, receipt_hash, occurred_at) VALUES ($1, $2, $3, $4, $5)', [
        r.tenant,
        r.meter,
        r.units,
        `sha256:raw-${++seq}`,
        r.at,
      ]),
    ),
  );
}

async function rawTotals(tenant: string, start: Date, end: Date) {
  const rows = await db.sql.query<{ meter: string; units: string }>(
    'SELECT meter, SUM(units)::text AS units FROM usage_events WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY meter',
    [tenant, start.toISOString(), end.toISOString()],
  );
  const totals = { vex: 0n, fu: 0n };
  for (const r of rows) totals[r.meter as 'vex' | 'fu'] = BigInt(r.units);
  return totals;
}

describe('usage rollups', () => {
  it('stay equal to the ledger through concurrent group commits from two instances', async () => {
    const instanceB = anotherInstance(db.sql);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => exchange(i % 2 ? db.sql : instanceB, i % 3 ? 'acme' : 'globex', `tr-${i % 7}`, i % 4 === 0 ? 0 : 100 + i)),
    );
    expect(results.every((r) => r.kind === 'committed')).toBe(true);
    expect(await verifyRollups(db.sql)).toEqual([]);
    const [n] = await db.sql.query<{ events: string }>(`SELECT SUM(events)::text AS events FROM usage_rollups WHERE meter = 'vex'`);
    expect(n!.events).toBe('60');
  });

  it('stay equal to the ledger through concurrent inserts across hours and deletes', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => ({
      tenant: i % 5 ? 'acme' : 'globex',
      meter: i % 3 ? 'vex' : 'fu',
      units: i % 3 ? 1 : 37 * i + 1,
      // 2026-03-01T00:00 .. about 2026-03-11, minutes and milliseconds at hour edges included
      at: new Date(Date.UTC(2026, 2, 1) + i * 2_437_000 + (i % 7 === 0 ? 999 : 0)).toISOString(),
    }));
    rows.push({ tenant: 'acme', meter: 'vex', units: 1, at: '2026-03-02T05:00:00.000Z' }, { tenant: 'acme', meter: 'vex', units: 1, at: '2026-03-02T04:59:59.999Z' });
    await insertUsage(rows);
    expect(await verifyRollups(db.sql)).toEqual([]);

    // As the retention purge deletes: rows of chosen receipts, in one statement.
    await db.sql.query(`DELETE FROM usage_events WHERE tenant_id = 'acme' AND occurred_at < '2026-03-03T07:30:00Z' AND id % 2 = 0`);
    expect(await verifyRollups(db.sql)).toEqual([]);
  });

  it('refuse changing a usage row’s units, meter, tenant or time; batch_id may be set', async () => {
    const [row] = await db.sql.query<{ id: string }>(`SELECT id::text FROM usage_events WHERE tenant_id = 'acme' LIMIT 1`);
    await expect(db.sql.query('UPDATE usage_events SET units = units + 1 WHERE id = $1', [row!.id])).rejects.toThrow(/immutable/);
    await expect(db.sql.query(`UPDATE usage_events SET occurred_at = occurred_at + interval '1 hour' WHERE id = $1`, [row!.id])).rejects.toThrow(/immutable/);
    await db.sql.query('UPDATE usage_events SET batch_id = NULL, units = units WHERE id = $1', [row!.id]);
    expect(await verifyRollups(db.sql)).toEqual([]);
  });

  it('give the ledger’s exact sums for periods that start and end inside hours', async () => {
    const edges = ['2026-03-01T00:00:00.000Z', '2026-03-01T00:20:00.000Z', '2026-03-02T04:59:59.999Z', '2026-03-02T05:00:00.000Z', '2026-03-02T05:00:00.001Z', '2026-03-05T13:17:00.000Z', '2026-03-05T13:40:00.000Z', '2026-03-12T00:00:00.000Z'];
    for (const a of edges) {
      for (const b of edges) {
        if (a >= b) continue;
        const [start, end] = [new Date(a), new Date(b)];
        for (const tenant of ['acme', 'globex']) expect(await periodUsage(tenant, { start, end }, db.sql), `${tenant} ${a}..${b}`).toEqual(await rawTotals(tenant, start, end));
      }
    }
    const days = await sumUsage(db.sql, { tenantIds: ['acme'], start: new Date(edges[1]!), end: new Date(edges[5]!), by: 'day' });
    const rawDays = await db.sql.query<{ day: string; meter: string; units: string }>(
      `SELECT to_char(occurred_at, 'YYYY-MM-DD') AS day, meter, SUM(units)::text AS units FROM usage_events
        WHERE tenant_id = 'acme' AND occurred_at >= $1 AND occurred_at < $2 GROUP BY 1, 2`,
      [edges[1], edges[5]],
    );
    const key = (d: string, m: string) => `${d} ${m}`;
    expect(new Map(days.map((d) => [key(d.bucket, d.meter), d.units]))).toEqual(new Map(rawDays.map((d) => [key(d.day, d.meter), BigInt(d.units)])));
  });

  it('are what whole hours are read from (and verification names a rollup that drifts)', async () => {
    const start = new Date('2026-03-01T00:00:00Z');
    const end = new Date('2026-03-12T00:00:00Z');
    const before = await periodUsage('globex', { start, end }, db.sql);
    const [one] = await db.sql.query<{ hour: string; shard: number }>(
      `SELECT hour::text, shard FROM usage_rollups WHERE tenant_id = 'globex' AND meter = 'vex' AND hour >= $1 ORDER BY hour, shard LIMIT 1`,
      [start.toISOString()],
    );
    const nudge = (by: number) =>
      db.sql.query(`UPDATE usage_rollups SET units = units + $1 WHERE tenant_id = 'globex' AND meter = 'vex' AND hour = $2 AND shard = $3`, [by, one!.hour, one!.shard]);
    await nudge(5);
    expect((await periodUsage('globex', { start, end }, db.sql)).vex).toBe(before.vex + 5n);
    const drift = await verifyRollups(db.sql, 'globex');
    expect(drift).toHaveLength(1);
    expect(BigInt(drift[0]!.rollupUnits) - BigInt(drift[0]!.ledgerUnits)).toBe(5n);
    await nudge(-5);
    expect(await verifyRollups(db.sql)).toEqual([]);
  });

  it('splits a range into whole hours and the partial edges', () => {
    expect(wholeHours(new Date('2026-03-01T00:20:00Z'), new Date('2026-03-01T03:10:00Z'))).toEqual({ from: new Date('2026-03-01T01:00:00Z'), to: new Date('2026-03-01T03:00:00Z') });
    expect(wholeHours(new Date('2026-03-01T00:20:00Z'), new Date('2026-03-01T00:50:00Z'))).toEqual({ from: new Date('2026-03-01T00:50:00Z'), to: new Date('2026-03-01T00:50:00Z') });
  });
});
