// Two real API processes on one PostgreSQL, appending concurrently to the same traces, with
// some idempotency keys sent to both at once: no forked chain, no duplicate or missing hop, one
// VEx per distinct request, every replay byte-identical, every chain verifying against JWKS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/server/apikeys/repository';
import { seedCatalog } from '@/server/bootstrap/catalog';
import { registerDatabase } from '@/server/db';
import { openDatabase, type Database } from '@/server/db/connection';
import { createPostgresDatabase } from '../support/db';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { auditLedger } from './ledger';
import { invoiceBody, postExchange, runPool, type Outcome } from './load';
import { recordFigures } from './report';

const TRACES = 10;
const APPENDS_PER_TRACE = 40;
const SENT_TO_BOTH = 80; // of the 400 requests, these go to both servers at once

describe.runIf(process.env.DATABASE_URL)('scale-out: two server processes on one PostgreSQL', () => {
  let pgDb: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let db: Database;
  let servers: ServerProcess[] = [];
  let dataDir: string;
  let key: string;

  beforeAll(async () => {
    pgDb = await createPostgresDatabase(process.env.DATABASE_URL!);
    db = await openDatabase({ databaseUrl: pgDb.url, dataDir: '', poolSize: 4 });
    registerDatabase(db);
    await seedCatalog();
    await db.prisma.tenant.create({ data: { id: 'scale', name: 'scale', planId: 'starter' } });
    key = (await createApiKey({ tenantId: 'scale', name: 'load' })).key;
    dataDir = mkdtempSync(path.join(tmpdir(), 'signet-scale-'));
    servers = await Promise.all([8141, 8142].map((port) => startServerProcess({ port, databaseUrl: pgDb.url, dataDir })));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGTERM')));
    await db?.close();
    await pgDb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every chain linear and every count exact under concurrent appends from both', async () => {
    const requests = Array.from({ length: TRACES * APPENDS_PER_TRACE }, (_, i) => ({
      idem: `scale-${i}`,
      body: invoiceBody(`tr-scale-${i % TRACES}`, i),
      targets: i % (TRACES * APPENDS_PER_TRACE / SENT_TO_BOTH) === 0 ? [0, 1] : [i % 2],
    }));
    const calls = requests.flatMap((r) => r.targets.map((t) => ({ idem: r.idem, call: () => postExchange(servers[t]!.url, key, r.idem, r.body) })));
    // Interleave so that duplicates race each other.
    const outcomes: Outcome[] = await runPool(calls.map((c) => c.call), 24);

    const byIdem = new Map<string, Outcome[]>();
    calls.forEach((c, i) => byIdem.set(c.idem, [...(byIdem.get(c.idem) ?? []), outcomes[i]!]));
    const failed = outcomes.filter((o) => o.status !== 200);
    expect(failed.map((o) => `${o.status} ${o.body}`)).toEqual([]);
    for (const [idem, seen] of byIdem) expect(new Set(seen.map((o) => o.body)).size, idem).toBe(1);

    const hopsByTrace = new Map<string, number[]>();
    for (const [, [first]] of byIdem) {
      const body = JSON.parse(first!.body) as { trace_id: string; receipt: { hop: number } };
      hopsByTrace.set(body.trace_id, [...(hopsByTrace.get(body.trace_id) ?? []), body.receipt.hop]);
    }
    for (const [trace, hops] of hopsByTrace) {
      expect(hops.sort((a, b) => a - b), trace).toEqual(Array.from({ length: APPENDS_PER_TRACE }, (_, i) => i + 1));
    }

    const jwks = await (await fetch(`${servers[0]!.url}/.well-known/jwks.json`)).json();
    const audit = await auditLedger(db.sql, jwks);
    expect(audit.problems).toEqual([]);
    expect(audit).toMatchObject({ traces: TRACES, receipts: requests.length, vexUnits: requests.length, chainsVerified: TRACES });
    for (const [, [first]] of byIdem) {
      const body = JSON.parse(first!.body) as { trace_id: string; receipt: { hop: number; receipt_hash: string } };
      expect(audit.chains.get(`scale/${body.trace_id}`)![body.receipt.hop - 1]).toBe(body.receipt.receipt_hash);
    }
    const [idem] = await db.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM idempotency_records');
    expect(Number(idem!.n)).toBe(requests.length);

    recordFigures('scale-out (2 processes, PostgreSQL)', {
      requests: outcomes.length,
      errors: failed.length,
      status5xx: outcomes.filter((o) => o.status >= 500).length,
      chainsVerified: audit.chainsVerified,
      unitsReconciled: audit.vexUnits,
      replaysIdentical: calls.length - requests.length,
    });
  });
});
