// The documented backup/restore paths, exercised: PostgreSQL with pg_dump -Fc / pg_restore, the
// embedded PGlite database by copying its data folder while Signet is stopped. The restored
// copy's chains verify, its ledger reconciles, and receipts are still append-only there.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiApp } from '@/api/app';
import { createApiKey } from '@/server/apikeys/repository';
import { seedCatalog } from '@/server/bootstrap/catalog';
import { registerDatabase } from '@/server/db';
import { openDatabase, type Database } from '@/server/db/connection';
import { ensureSigningKey, jwks } from '@/server/keys/signing-keys';
import { loadRegistry } from '@/server/mappings/registry';
import { createPostgresDatabase } from '../support/db';
import { auditLedger } from './ledger';
import { invoiceBody } from './load';
import { recordFigures } from './report';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Opens a database, fills it with 4 traces × 3 hops through the real API, returns the JWKS. */
async function populate(db: Database) {
  registerDatabase(db);
  await ensureSigningKey({ seedB64: null, kid: null });
  await seedCatalog();
  await db.prisma.tenant.create({ data: { id: 'backup', name: 'backup', planId: 'starter' } });
  const { key } = await createApiKey({ tenantId: 'backup', name: 'b' });
  const app = createApiApp({ exchange: { registry: loadRegistry({ pseudonymKey: 'k' }), maxJsonDepth: 64 }, maxBodyBytes: 1 << 20 });
  for (let i = 0; i < 12; i++) {
    const res = await app.request('/v1/exchange', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signet-api-key': key, 'x-signet-idempotency-key': `b-${i}` },
      body: JSON.stringify(invoiceBody(`tr-backup-${i % 4}`, i)),
    });
    expect(res.status).toBe(200);
  }
  return jwks();
}

async function expectRestoredIntact(restored: Database, keys: Awaited<ReturnType<typeof jwks>>) {
  const audit = await auditLedger(restored.sql, keys);
  expect(audit.problems).toEqual([]);
  expect(audit).toMatchObject({ traces: 4, receipts: 12, chainsVerified: 4, vexUnits: 12 });
  await expect(restored.sql.query('DELETE FROM receipts')).rejects.toThrow(/append-only/);
  recordFigures(`backup + restore (${restored.kind})`, { chainsVerified: audit.chainsVerified, unitsReconciled: audit.vexUnits, errors: 0, status5xx: 0 });
}

describe.runIf(process.env.DATABASE_URL)('backup and restore: PostgreSQL (pg_dump / pg_restore)', () => {
  it('restores a dump whose chains verify', async () => {
    const source = await createPostgresDatabase(process.env.DATABASE_URL!);
    const target = await createPostgresDatabase(process.env.DATABASE_URL!);
    cleanups.push(source.drop, target.drop);
    const db = await openDatabase({ databaseUrl: source.url, dataDir: '', poolSize: 2 });
    const keys = await populate(db);
    await db.close();

    const dump = path.join(mkdtempSync(path.join(tmpdir(), 'signet-dump-')), 'signet.dump');
    execFileSync('pg_dump', ['--format=custom', '--file', dump, source.url]);
    execFileSync('pg_restore', ['--no-owner', '--dbname', target.url, dump]);

    const restored = await openDatabase({ databaseUrl: target.url, dataDir: '', poolSize: 2 });
    cleanups.push(() => restored.close());
    await expectRestoredIntact(restored, keys);
  });
});

describe.skipIf(process.env.DATABASE_URL)('backup and restore: embedded PGlite (copy of the stopped data folder)', () => {
  it('restores a copied data folder whose chains verify', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'signet-backup-'));
    const copyDir = mkdtempSync(path.join(tmpdir(), 'signet-restore-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }), () => rmSync(copyDir, { recursive: true, force: true }));
    const db = await openDatabase({ databaseUrl: null, dataDir });
    const keys = await populate(db);
    await db.close();

    cpSync(dataDir, copyDir, { recursive: true });
    const restored = await openDatabase({ databaseUrl: null, dataDir: copyDir });
    cleanups.push(() => restored.close());
    await expectRestoredIntact(restored, keys);
  });
});
