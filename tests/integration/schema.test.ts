// The migrated database matches prisma/schema.prisma, and its guarantees hold.
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '@/server/db/migrate';
import { diffScript, openSchemaEngine } from '@/scripts/schema-engine';
import { createPostgresDatabase, openTestDatabase, usingPostgres, type TestDatabase } from '../support/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

describe('migrations', () => {
  it('are recorded in _prisma_migrations as Prisma records them, and re-running applies nothing', async () => {
    const rows = await db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const files = await readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    expect(rows.map((r) => r.checksum)).toEqual(files.map((f) => f.checksum));
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    expect(await migrate(db.sql)).toEqual([]);
  });

  it('refuses a migration edited after it was applied', async () => {
    const files = await readMigrations();
    const edited = files.map((f, i) => (i === 0 ? { ...f, checksum: 'x'.repeat(64) } : f));
    await expect(migrate(db.sql, edited)).rejects.toThrow(/edited after it was applied/);
  });

  it('let Prisma Client write and read every model', async () => {
    const p = db.prisma;
    await p.plan.create({ data: { id: 'p1', name: 'P', monthlyFeeCents: 100n, includedVex: 1n, includedFu: 2n, lookupKey: 'lk_p1' } });
    await p.tenant.create({ data: { id: 't1', name: 'T', planId: 'p1', allowlist: ['*.example.com'], fuMonthlyLimit: 10n } });
    const user = await p.user.create({ data: { email: 'a@b.c', passwordHash: 'h', platformRole: 'auditor' } });
    await p.membership.create({ data: { userId: user.id, tenantId: 't1', role: 'owner' } });
    await p.invitation.create({ data: { tenantId: 't1', email: 'x@y.z', role: 'member', tokenHash: 'th', expiresAt: new Date() } });
    const key = await p.apiKey.create({ data: { tenantId: 't1', name: 'k', prefix: 'sk_1', hash: 'h1', allowlist: ['a.com'] } });
    await p.signingKey.create({ data: { kid: 'k1', publicKey: 'pk', privateKey: 'sk' } });
    await p.trace.create({ data: { id: 'tr1', tenantId: 't1', headHop: 1, headHash: 'sha256:1' } });
    await p.receipt.create({ data: { traceId: 'tr1', hop: 1, tenantId: 't1', apiKeyId: key.id, receiptHash: 'sha256:1', payloadType: 'a', targetType: 'b', cid: 'sha256:2', createdAt: new Date(), body: '{}' } });
    await p.idempotencyRecord.create({ data: { apiKeyId: key.id, key: 'i1', status: 200, responseBody: '{}' } });
    const batch = await p.billingBatch.create({ data: { tenantId: 't1', meter: 'vex', units: 1n, identifier: 'id1', receiptHashes: ['sha256:1'], windowStart: new Date(), windowEnd: new Date() } });
    await p.usageEvent.create({ data: { tenantId: 't1', apiKeyId: key.id, meter: 'vex', units: 1n, receiptHash: 'sha256:1', occurredAt: new Date(), batchId: batch.id } });
    await p.failedExchange.create({ data: { tenantId: 't1', code: 'X', status: 422 } });
    await p.overageTier.create({ data: { meter: 'vex', position: 0, upTo: 50_000n, pricePerUnit: '0.005' } });
    await p.reservedCapacity.create({ data: { tenantId: 't1', vexReserved: 5n, fuReserved: 6n, vexTiers: [], fuTiers: [] } });
    await p.stripeEvent.create({ data: { id: 'evt_1', type: 'invoice.paid' } });
    await p.auditLog.create({ data: { action: 'a', detail: { x: 1 } } });
    await p.setting.create({ data: { key: 'k', value: ['v'] } });
    await p.rateLimitBucket.create({ data: { key: 'k', tokens: 1.5, updatedAt: new Date() } });

    const tenant = await p.tenant.findUniqueOrThrow({ where: { id: 't1' }, include: { plan: true, memberships: true, apiKeys: true, reserved: true, traces: { include: { receipts: true } } } });
    expect(tenant.plan?.includedFu).toBe(2n);
    expect(tenant.traces[0]?.receipts).toHaveLength(1);
    expect((await p.overageTier.findFirstOrThrow()).pricePerUnit.toString()).toBe('0.005');
  });

  it('make receipts append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await expect(db.sql.query(`UPDATE receipts SET body = '{"x":1}'`)).rejects.toThrow(/append-only/);
    await expect(db.sql.query('DELETE FROM receipts')).rejects.toThrow(/append-only/);
    await expect(db.sql.query('TRUNCATE receipts CASCADE')).rejects.toThrow(/append-only/);
    expect(await db.prisma.receipt.count()).toBe(1);
  });
});

// Prisma's schema engine (WebAssembly) needs a real PostgreSQL to construct.
describe.runIf(usingPostgres)('the migrated PostgreSQL schema', () => {
  it('equals what Prisma generates from schema.prisma', async () => {
    const datamodel = await readFile('prisma/schema.prisma', 'utf8');
    const engine = await openSchemaEngine(process.env.DATABASE_URL!, datamodel);
    const expectedSql = await diffScript(engine, { tag: 'empty' }, { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: datamodel }] });
    const fresh = await createPostgresDatabase(process.env.DATABASE_URL!);
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    try {
      await client.query(expectedSql);
      const expected = await describeSchema((q) => client.query(q).then((r) => r.rows));
      const actual = await describeSchema((q) => db.sql.query(q));
      expect(actual).toEqual(expected);
    } finally {
      await client.end();
      await fresh.drop();
    }
  });
});

type Rows = Record<string, unknown>[];
async function describeSchema(query: (q: string) => Promise<Rows>) {
  const columns = await query(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, numeric_precision, numeric_scale
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, column_name`);
  const indexes = await query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`);
  const constraints = await query(`SELECT c.conname, c.conrelid::regclass::text AS tbl, pg_get_constraintdef(c.oid) AS def
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> '_prisma_migrations' ORDER BY c.conname`);
  const enums = await query(`SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY t.typname, e.enumsortorder`);
  return { columns, indexes, constraints, enums };
}
