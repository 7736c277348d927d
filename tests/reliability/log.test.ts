// The transparency log under crashes and scale-out (SPEC §7): kill -9 while the sequencer works
// through a backlog, then restart; and two server processes on one PostgreSQL sequencing and
// taking exchanges at once, one of them killed. Afterwards: one log, no gap, no duplicate, no
// receipt without a leaf, log size = receipts ever committed, every checkpoint signed and
// consistent with the one before, the newest root equal to an independent recomputation.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/server/apikeys/repository';
import { seedCatalog } from '@/server/bootstrap/catalog';
import { registerDatabase } from '@/server/db';
import { openDatabase, type Database } from '@/server/db/connection';
import { migrate } from '@/server/db/migrate';
import { verifyConsistency } from '@/server/transparency/merkle';
import { formatVerifierKey, parseVerifierKey, SIG_ED25519 } from '@/server/transparency/note';
import { consistency } from '@/server/log/service';
import { createPostgresDatabase } from '../support/db';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { invoiceBody, postExchange, runPool } from './load';
import { recordFigures } from './report';

const BACKLOG = 40_000;
const PORTS = [18106, 18107];

const H = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RFC 6962 MTH over the leaf hashes, bottom-up, independent of the tiles. */
function naiveRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return H();
  // Carry perfect subtrees as a binary counter, then fold right to left.
  const stack: { h: Buffer; size: number }[] = [];
  for (const l of leaves) {
    let node = { h: l, size: 1 };
    while (stack.length > 0 && stack[stack.length - 1]!.size === node.size) {
      const left = stack.pop()!;
      node = { h: H(Uint8Array.of(1), left.h, node.h), size: node.size * 2 };
    }
    stack.push(node);
  }
  let root = stack.pop()!.h;
  while (stack.length > 0) root = H(Uint8Array.of(1), stack.pop()!.h, root);
  return root;
}

async function insertBacklog(db: Database, tenant: string, count: number) {
  await db.sql.query(`INSERT INTO traces (id, tenant_id, head_hop, head_hash) VALUES ('tr-backlog', $1, $2, 'sha256:x')`, [tenant, count]);
  await db.sql.query(
    `INSERT INTO receipts (trace_id, hop, tenant_id, receipt_hash, payload_type, target_type, cid, created_at, body)
     SELECT 'tr-backlog', g, $1, 'sha256:' || encode(sha256(('backlog ' || g)::bytea), 'hex'), 'p', 't', 'sha256:x', now(), '{}'
       FROM generate_series(1, $2::int) AS g`,
    [tenant, count],
  );
}

/** Every invariant of the log, checked in the database and against independent recomputation. */
async function auditLog(db: Database) {
  const one = async (sql: string) => Number((await db.sql.query<{ n: string }>(sql))[0]!.n);
  const receipts = await one('SELECT count(*)::text AS n FROM receipts');
  const leaves = await one('SELECT count(*)::text AS n FROM log_leaves');
  const maxIndex = await one('SELECT coalesce(max(leaf_index), -1)::text AS n FROM log_leaves');
  const unsequenced = await one('SELECT count(*)::text AS n FROM receipts r WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.receipt_hash = r.receipt_hash)');
  const pending = await one('SELECT count(*)::text AS n FROM log_pending');
  const checkpoints = await db.sql.query<{ size: string; root_hash: Uint8Array; note: string }>('SELECT size::text AS size, root_hash, note FROM log_checkpoints c ORDER BY c.size');
  const key = (await db.sql.query<{ origin: string; public_key: string }>('SELECT origin, public_key FROM log_keys'))[0]!;
  const parsedKey = parseVerifierKey(formatVerifierKey(key.origin, SIG_ED25519, new Uint8Array(Buffer.from(key.public_key, 'base64'))));
  if (!parsedKey.ok) throw new Error(parsedKey.reason);
  const logKey = parsedKey.value;
  const sizes = checkpoints.map((c) => Number(c.size));
  // Each checkpoint signed by the log key and consistent with the one before (no fork).
  let consistent = 0;
  for (const [i, c] of checkpoints.entries()) {
    const text = c.note.slice(0, c.note.lastIndexOf('\n\n') + 1);
    const sig = Buffer.from(c.note.slice(c.note.lastIndexOf('\n\n') + 2).split(' ')[2]!, 'base64');
    expect(logKey.verify(sig.subarray(4), Buffer.from(text))).toBe(true);
    expect(text).toBe(`${key.origin}\n${c.size}\n${Buffer.from(c.root_hash).toString('base64')}\n`);
    if (i === 0) continue;
    const prev = checkpoints[i - 1]!;
    const proof = await consistency(Number(prev.size), Number(c.size));
    const ok = verifyConsistency(Number(prev.size), Number(c.size), proof.hashes.map((h) => new Uint8Array(Buffer.from(h, 'base64'))), new Uint8Array(prev.root_hash), new Uint8Array(c.root_hash)).ok;
    expect(ok, `checkpoint ${prev.size} → ${c.size}`).toBe(true);
    consistent++;
  }
  const entries = await db.sql.query<{ receipt_hash: string }>('SELECT receipt_hash FROM log_leaves l ORDER BY l.leaf_index');
  const root = naiveRoot(entries.map((e) => H(Uint8Array.of(0), Buffer.from(e.receipt_hash, 'utf8'))));
  const newest = checkpoints[checkpoints.length - 1]!;
  expect(root.equals(Buffer.from(newest.root_hash))).toBe(true);
  expect({ leaves, maxIndex, unsequenced, pending, newest: Number(newest.size) }).toEqual({ leaves: receipts, maxIndex: receipts - 1, unsequenced: 0, pending: 0, newest: receipts });
  expect(new Set(sizes).size).toBe(sizes.length);
  return { receipts, checkpoints: checkpoints.length, consistent };
}

async function logSize(url: string): Promise<number> {
  const text = await fetch(`${url}/v1/log/checkpoint`).then((r) => r.text(), () => '');
  return Number(text.split('\n')[1] ?? NaN);
}

async function until(fn: () => Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(`transparency log: kill -9 while sequencing (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let pgDb: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
  let databaseUrl: string | null = null;
  let dataDir: string;
  let server: ServerProcess | null = null;
  let key: string;

  const open = async () => {
    const db = await openDatabase({ databaseUrl, dataDir, poolSize: 2 });
    registerDatabase(db);
    return db;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'signet-logcrash-'));
    if (process.env.DATABASE_URL) {
      pgDb = await createPostgresDatabase(process.env.DATABASE_URL);
      databaseUrl = pgDb.url;
    }
    const db = await open();
    await migrate(db.sql);
    await seedCatalog();
    await db.prisma.tenant.create({ data: { id: 'logcrash', name: 'logcrash', planId: 'starter' } });
    key = (await createApiKey({ tenantId: 'logcrash', name: 'load' })).key;
    await insertBacklog(db, 'logcrash', BACKLOG);
    await db.close();
  }, 180_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await pgDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no batch and writes no half batch: after restart, one leaf per receipt and every checkpoint consistent', async () => {
    server = await startServerProcess({ port: PORTS[0]!, databaseUrl, dataDir });
    // Kill as soon as the first batch is signed: the sequencer is then inside the next one.
    await until(async () => (await logSize(server!.url)) > 0, 60_000, 'the first checkpoint');
    await server.stop('SIGKILL');
    server = null;

    let db = await open();
    const atKill = Number((await db.sql.query<{ n: string }>('SELECT max(size)::text AS n FROM log_checkpoints'))[0]!.n);
    const leavesAtKill = Number((await db.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM log_leaves'))[0]!.n);
    const pendingAtKill = Number((await db.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM log_pending'))[0]!.n);
    await db.close();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(BACKLOG);
    // Whole batches only: leaves, queue and checkpoint agree at the moment of the kill.
    expect(leavesAtKill).toBe(atKill);
    expect(pendingAtKill).toBe(BACKLOG - atKill);

    server = await startServerProcess({ port: PORTS[0]!, databaseUrl, dataDir });
    // Exchanges keep committing while the restarted sequencer catches up.
    const outcomes = await runPool(Array.from({ length: 60 }, (_, i) => () => postExchange(server!.url, key, `after-${i}`, invoiceBody(`tr-after-${i % 4}`, i))), 8);
    const exchanged = outcomes.filter((o) => o.status === 200).length;
    expect(exchanged).toBe(60);
    await until(async () => (await logSize(server!.url)) === BACKLOG + exchanged, 120_000, 'the whole backlog in a checkpoint');
    await server.stop('SIGTERM');
    server = null;

    db = await open();
    const audit = await auditLog(db);
    await db.close();
    expect(audit.receipts).toBe(BACKLOG + exchanged);
    recordFigures('log-crash', { requests: exchanged, logSize: audit.receipts, sizeAtKill: atKill, checkpoints: audit.checkpoints, consistencyProofsChecked: audit.consistent });
  }, 300_000);
});

describe.runIf(process.env.DATABASE_URL)('transparency log: two server processes on one PostgreSQL', () => {
  let pgDb: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let db: Database;
  let servers: ServerProcess[] = [];
  let dataDir: string;
  let key: string;

  beforeAll(async () => {
    pgDb = await createPostgresDatabase(process.env.DATABASE_URL!);
    db = await openDatabase({ databaseUrl: pgDb.url, dataDir: '', poolSize: 4 });
    registerDatabase(db);
    await migrate(db.sql);
    await seedCatalog();
    await db.prisma.tenant.create({ data: { id: 'logscale', name: 'logscale', planId: 'starter' } });
    key = (await createApiKey({ tenantId: 'logscale', name: 'load' })).key;
    await insertBacklog(db, 'logscale', BACKLOG / 2);
    dataDir = mkdtempSync(path.join(tmpdir(), 'signet-logscale-'));
    // Both start together (they take turns at start-up); one that started is stopped by afterAll even when the other did not.
    const started = await Promise.allSettled(PORTS.map((port) => startServerProcess({ port, databaseUrl: pgDb.url, dataDir })));
    servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await db?.close();
    await pgDb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps one log with no fork while both sequence and take exchanges, and one is killed', async () => {
    const tasks = Array.from({ length: 300 }, (_, i) => () => postExchange(servers[i % 2]!.url, key, `scale-${i}`, invoiceBody(`tr-ls-${i % 10}`, i)));
    const load = runPool(tasks, 16);
    await new Promise((r) => setTimeout(r, 1500));
    await servers[1]!.stop('SIGKILL');
    const outcomes = await load;
    const ok = outcomes.filter((o) => o.status === 200).length;
    const receipts = Number((await db.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM receipts'))[0]!.n);
    expect(receipts).toBeGreaterThanOrEqual(BACKLOG / 2 + ok);
    await until(async () => (await logSize(servers[0]!.url)) === receipts, 120_000, 'every receipt in a checkpoint');
    const audit = await auditLog(db);
    expect(audit.receipts).toBe(receipts);
    // Both instances were up while the backlog was sequenced; the advisory lock let one at a time in.
    recordFigures('log-scale-out', { requests: outcomes.length, ok, logSize: receipts, checkpoints: audit.checkpoints, consistencyProofsChecked: audit.consistent });
  }, 300_000);
});
