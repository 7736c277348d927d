// kill -9 in the middle of a load run, restart on the same database (the PGlite data folder, or
// PostgreSQL when DATABASE_URL is set), then: every response the client saw as 200 is in the
// ledger, unanswered requests retried with their idempotency key complete exactly once,
// chains continue and verify, nothing is half-written. Then SIGTERM: in-flight requests finish,
// new connections are refused, the process exits 0 within 10 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
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

const TRACES = 6;
const PORT = 8143;
// Batch usage for billing within the run, so the outbox's ledger is part of what is checked.
const BILLING_ENV = { SP_BILLING_WINDOW_MS: '300' };

describe(`crash and restart (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let pgDb: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
  let databaseUrl: string | null = null;
  let dataDir: string;
  let key: string;
  let server: ServerProcess | null = null;
  const sent = new Map<string, { body: unknown; outcomes: Outcome[] }>();
  let seq = 0;

  const openLedger = async (): Promise<Database> => {
    const db = await openDatabase({ databaseUrl, dataDir, poolSize: 2 });
    registerDatabase(db);
    return db;
  };
  const send = async (url: string, idem = `crash-${seq++}`, body?: unknown) => {
    const entry = sent.get(idem) ?? { body: body ?? invoiceBody(`tr-crash-${seq % TRACES}`, seq), outcomes: [] };
    sent.set(idem, entry);
    const outcome = await postExchange(url, key, idem, entry.body);
    entry.outcomes.push(outcome);
    return outcome;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'signet-crash-'));
    if (process.env.DATABASE_URL) {
      pgDb = await createPostgresDatabase(process.env.DATABASE_URL);
      databaseUrl = pgDb.url;
    }
    const db = await openLedger();
    await seedCatalog();
    await db.prisma.tenant.create({ data: { id: 'crash', name: 'crash', planId: 'starter' } });
    key = (await createApiKey({ tenantId: 'crash', name: 'load' })).key;
    await db.close();
  }, 120_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await pgDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged exchange and half-writes nothing across kill -9 and restart', async () => {
    server = await startServerProcess({ port: PORT, databaseUrl, dataDir, extraEnv: BILLING_ENV });
    const first = server;
    let acknowledged = 0;
    let killedAt = 0;
    const load = runPool(
      Array.from({ length: 400 }, () => async () => {
        if (killedAt) return;
        const o = await send(first.url);
        if (o.status === 200 && ++acknowledged === 60) {
          killedAt = Date.now();
          first.child.kill('SIGKILL');
        }
      }),
      8,
    );
    await load;
    expect((await first.exited).signal).toBe('SIGKILL');
    const seenBeforeKill = [...sent.values()].flatMap((e) => e.outcomes);
    expect(seenBeforeKill.filter((o) => o.status === 200).length).toBeGreaterThanOrEqual(60);

    server = await startServerProcess({ port: PORT, databaseUrl, dataDir, extraEnv: BILLING_ENV });
    // Every request left without an answer is retried with its idempotency key.
    const unanswered = [...sent].filter(([, e]) => !e.outcomes.some((o) => o.status === 200)).map(([idem]) => idem);
    const restarted = server;
    await runPool(unanswered.map((idem) => () => send(restarted.url, idem)), 8);
    // And the chains go on growing after the restart.
    await runPool(Array.from({ length: TRACES * 3 }, () => () => send(restarted.url)), 8);

    const stopped = await server.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    server = null;

    const db = await openLedger();
    try {
      const jwks = await (await import('@/server/keys/signing-keys')).jwks();
      const audit = await auditLedger(db.sql, jwks);
      expect(audit.problems).toEqual([]);

      const hashes = new Set([...audit.chains.values()].flat());
      const answered = [...sent.values()].map((e) => e.outcomes.filter((o) => o.status === 200));
      for (const oks of answered) {
        expect(oks.length).toBeGreaterThan(0);
        expect(new Set(oks.map((o) => o.body)).size).toBe(1); // a retry replays the same result
        expect(hashes.has(JSON.parse(oks[0]!.body).receipt.receipt_hash)).toBe(true);
      }
      expect(audit.receipts).toBe(sent.size);
      expect(audit.chainsVerified).toBe(TRACES);

      const all = [...sent.values()].flatMap((e) => e.outcomes);
      recordFigures(`crash: kill -9 mid-load + restart (${db.kind})`, {
        requests: all.length,
        errors: all.filter((o) => o.status !== 200).length,
        status5xx: all.filter((o) => o.status >= 500).length,
        chainsVerified: audit.chainsVerified,
        unitsReconciled: audit.vexUnits,
        retriedAfterCrash: unanswered.length,
      });
      expect(all.filter((o) => o.status >= 500)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('on SIGTERM finishes in-flight exchanges, refuses new connections and exits 0 within 10 s', async () => {
    server = await startServerProcess({ port: PORT, databaseUrl, dataDir, extraEnv: BILLING_ENV });
    const target = server;
    // In flight for sure: each upload sends its headers and half its body, then waits.
    const uploads = Array.from({ length: 8 }, (_, i) => slowUpload(target.url, key, `sigterm-${i}`, invoiceBody(`tr-crash-${i % TRACES}`, 10_000 + i)));
    await Promise.all(uploads.map((u) => u.started));
    await waitFor(() => /listening/.test(target.output()));
    await new Promise((r) => setTimeout(r, 300)); // the server has parsed the headers
    const t0 = Date.now();
    target.child.kill('SIGTERM');
    await waitFor(() => /SIGTERM/.test(target.output()));
    expect(target.output()).toMatch(/finishing 8 in-flight request\(s\)/);
    expect((await postExchange(target.url, key, 'after-stop', invoiceBody('tr-after', 0))).status).toBe(0);
    for (const u of uploads) u.finish();
    const outcomes = await Promise.all(uploads.map((u) => u.response));
    const exit = await target.exited;
    const elapsed = Date.now() - t0;
    server = null;
    expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill(200));
    expect(exit).toEqual({ code: 0, signal: null });
    expect(elapsed).toBeLessThan(10_000);
    recordFigures(`SIGTERM drain (${databaseUrl ? 'postgres' : 'pglite'})`, {
      requests: outcomes.length + 1,
      errors: 0,
      status5xx: 0,
      drainedInFlight: outcomes.length,
      shutdownMs: elapsed,
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A POST /v1/exchange whose body arrives in two parts: now, and when finish() is called. */
function slowUpload(url: string, key: string, idem: string, body: unknown) {
  const bytes = Buffer.from(JSON.stringify(body));
  const half = Math.floor(bytes.length / 2);
  const req = request(`${url}/v1/exchange`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': bytes.length, 'x-signet-api-key': key, 'x-signet-idempotency-key': idem },
  });
  const response = new Promise<Outcome>((resolve) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
  });
  const started = new Promise<void>((resolve) => req.write(bytes.subarray(0, half), () => resolve()));
  return { started, response, finish: () => req.end(bytes.subarray(half)) };
}
