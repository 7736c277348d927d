// PostgreSQL restarted under load (4 clients): while it is down every request that needs it is
// answered 503 DATABASE_UNAVAILABLE with Retry-After, never 500; Signet recovers on its own;
// every acknowledged exchange is in the ledger, and a retry with the same idempotency key
// completes the unanswered ones exactly once. The PostgreSQL is a cluster of the test's own
// (tests/support/pg-cluster.ts), so restarting it disturbs nothing else; it runs in the suite's
// PostgreSQL pass.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/server/apikeys/repository';
import { seedCatalog } from '@/server/bootstrap/catalog';
import { registerDatabase } from '@/server/db';
import { openDatabase, type Database } from '@/server/db/connection';
import { createLocalCluster, postgresBinaries, type LocalCluster } from '../support/pg-cluster';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { auditLedger } from './ledger';
import { invoiceBody, postExchange, type Outcome } from './load';
import { recordFigures } from './report';

const CLIENTS = 4;
const TRACES = 6;
const PORT = 8147;
const DOWN_MS = 1500;

interface Sent {
  body: unknown;
  outcomes: (Outcome & { retryAfter: string | null; at: number })[];
}

describe.skipIf(!process.env.DATABASE_URL || !postgresBinaries())('PostgreSQL restarted under load', () => {
  let cluster: LocalCluster;
  let server: ServerProcess | null = null;
  let key: string;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'signet-dbrestart-'));
  const sent = new Map<string, Sent>();

  const openLedger = async (): Promise<Database> => {
    const db = await openDatabase({ databaseUrl: cluster.url, dataDir, poolSize: 2 });
    registerDatabase(db);
    return db;
  };

  async function send(url: string, idem: string, body?: unknown) {
    const entry = sent.get(idem) ?? { body: body!, outcomes: [] };
    sent.set(idem, entry);
    let retryAfter: string | null = null;
    const outcome = await postExchange(url, key, idem, entry.body, (res) => (retryAfter = res.headers.get('retry-after')));
    entry.outcomes.push({ ...outcome, retryAfter, at: Date.now() });
    return outcome;
  }

  beforeAll(async () => {
    cluster = await createLocalCluster(5498);
    const db = await openLedger();
    await seedCatalog();
    await db.prisma.tenant.create({ data: { id: 'restart', name: 'restart', planId: 'starter' } });
    key = (await createApiKey({ tenantId: 'restart', name: 'load' })).key;
    await db.close();
  }, 120_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    cluster?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After (never 500) while it is down, recovers, and loses nothing acknowledged', async () => {
    server = await startServerProcess({ port: PORT, databaseUrl: cluster.url, dataDir, extraEnv: { SP_BILLING_WINDOW_MS: '300' } });
    const url = server.url;
    let seq = 0;
    let running = true;
    const clients = Array.from({ length: CLIENTS }, async () => {
      while (running) {
        const n = seq++;
        await send(url, `restart-${n}`, invoiceBody(`tr-restart-${n % TRACES}`, n));
      }
    });
    const acked = () => [...sent.values()].filter((e) => e.outcomes.some((o) => o.status === 200)).length;
    while (acked() < 100) await new Promise((r) => setTimeout(r, 20));

    const t0 = Date.now();
    await cluster.stop();
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await cluster.start();
    // Recovered on its own: a new exchange succeeds again.
    const before = acked();
    while (acked() <= before + 50) {
      if (Date.now() - t0 > 30_000) {
        const statuses = new Map<number, number>();
        for (const e of sent.values()) for (const o of e.outcomes) if (o.at >= t0) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
        const seen = [...statuses].map(([status, n]) => `${status}×${n}`).join(', ') || 'none';
        throw new Error(`Signet did not recover within 30 s of the restart; answers since the stop: ${seen}\n${server!.output().slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const recoveredMs = Date.now() - t0;
    running = false;
    await Promise.all(clients);

    // Every request left without a 200 is retried with its idempotency key.
    for (const [idem, entry] of sent) {
      for (let attempt = 0; !entry.outcomes.some((o) => o.status === 200) && attempt < 5; attempt++) await send(url, idem);
    }
    expect((await server.stop('SIGTERM')).code).toBe(0);
    server = null;

    const all = [...sent.values()].flatMap((e) => e.outcomes);
    const unavailable = all.filter((o) => o.status === 503);
    expect(all.filter((o) => o.status >= 500 && o.status !== 503).map((o) => `${o.status} ${o.body}`)).toEqual([]);
    expect(unavailable.length, 'the outage was seen by the clients').toBeGreaterThan(0);
    for (const o of unavailable) {
      expect(JSON.parse(o.body).error.code).toBe('DATABASE_UNAVAILABLE');
      expect(o.retryAfter).toMatch(/^\d+$/);
    }

    const db = await openLedger();
    try {
      const jwks = await (await import('@/server/keys/signing-keys')).jwks();
      const audit = await auditLedger(db.sql, jwks);
      expect(audit.problems).toEqual([]);
      const chains = new Map([...audit.chains].map(([trace, hashes]) => [trace.slice('restart/'.length), hashes]));
      for (const [idem, entry] of sent) {
        const oks = entry.outcomes.filter((o) => o.status === 200);
        expect(oks.length, idem).toBeGreaterThan(0);
        expect(new Set(oks.map((o) => o.body)).size, idem).toBe(1); // a retry replays the same result
        const { trace_id, receipt } = JSON.parse(oks[0]!.body);
        expect(chains.get(trace_id)?.[receipt.hop - 1], idem).toBe(receipt.receipt_hash);
      }
      expect(audit.receipts).toBe(sent.size);
      expect(audit.chainsVerified).toBe(TRACES);
      recordFigures('PostgreSQL restart under load (4 clients)', {
        requests: all.length,
        errors: all.filter((o) => o.status !== 200).length,
        // 503 DATABASE_UNAVAILABLE (with Retry-After) is the answer asked for during the outage: it is
        // counted as status503, so the report's 5xx column counts only failures.
        status5xx: all.filter((o) => o.status >= 500 && o.status !== 503).length,
        status503: unavailable.length,
        status500: all.filter((o) => o.status === 500).length,
        connectionErrors: all.filter((o) => o.status === 0).length,
        acknowledged: sent.size,
        recoveredMs,
        chainsVerified: audit.chainsVerified,
      });
    } finally {
      await db.close();
    }
  });
});
