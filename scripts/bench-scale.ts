// npm run bench:scale -- --preload N [--hops 20] [--rounds 2] [--duration 15] [--reuse]
// The scale benchmark (PostgreSQL only; DATABASE_URL names the server, databases are created
// beside it): fills a database with N real signed receipts on valid chains, their usage rows
// and idempotency records for one tenant in the current month, sequences them into the
// transparency log, prints how long it took and the size per million receipts; then measures,
// alternating an empty database and the full one so machine drift cancels: exchange throughput
// and p95 at 32 connections for --duration seconds from a checkpoint (with the WAL, full-page
// images and block reads per exchange), GET /v1/billing/dashboard, the data of the overview,
// billing, receipts and request-log pages, a full usage-ledger export (server RSS) and a
// retention purge dry run. --reuse keeps and reuses the full database of the same N. Not part of CI.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { countActiveApiKeys } from '../server/apikeys/status';
import { billingDashboard } from '../server/billing/dashboard';
import { batchUsage } from '../server/billing/outbox-worker';
import { calendarMonth } from '../server/billing/period';
import { usageHistory } from '../server/billing/statements';
import { listTraces, loadChain } from '../server/chains/repository';
import { registerDatabase } from '../server/db';
import { openDatabase, type Database } from '../server/db/connection';
import { jwks } from '../server/keys/signing-keys';
import { ensureLogKey } from '../server/log/key';
import { Sequencer } from '../server/log/sequencer';
import { verifyChain } from '../server/receipts/verify';
import { listRequests, requestErrorCodes } from '../server/requestlog/repository';
import { purgeExpiredTraces, retentionCutoff } from '../server/retention/purge';
import { includedUnits } from '../server/tenants/settings';
import { dailyUsage, lastExchangeAt, tracesInPeriod, usageTotals } from '../server/usage/ledger';
import { verifyRollups } from '../server/usage/rollups';
import { verifyTraceRollups } from '../server/usage/trace-rollups';
import { loadGenerator, runLoad } from './bench/load';
import { PRELOAD_TENANT, preload } from './bench/preload';
import { startBenchServer, type BenchServer } from './bench/server';

const { values } = parseArgs({
  options: {
    preload: { type: 'string', default: '200000' },
    hops: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    duration: { type: 'string', default: '15' },
    reuse: { type: 'boolean', default: false },
  },
});
const N = Number(values.preload);
const HOPS = Number(values.hops);
const ROUNDS = Number(values.rounds);
const DURATION = Number(values.duration);
const BASE = process.env.DATABASE_URL;
if (!BASE || !Number.isInteger(N) || N < 1) {
  console.error('usage: DATABASE_URL=postgresql://... npm run bench:scale -- --preload <N> [--hops 20] [--rounds 2] [--duration 15] [--reuse]');
  process.exit(2);
}
const KEY = 'bench_key_0000000001';
const PORT = Number(process.env.BENCH_PORT ?? 8098);
const ORIGIN = 'scale.bench.example/v1/log';
const GENERATOR = loadGenerator();
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

function urlOf(name: string) {
  const u = new URL(BASE!);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: BASE });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function createDatabase(name: string) {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  // Migrated as at start-up.
  const db = await openDatabase({ databaseUrl: urlOf(name), dataDir: '' });
  await db.close();
}

const dropDatabase = (name: string) => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

function p95(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
}

async function timed(n: number, fn: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return p95(ms);
}

const FULL = `signet_scale_${N}`;

async function fill() {
  const exists = await admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [FULL])).rowCount === 1);
  if (values.reuse && exists) {
    log(`reusing ${FULL}`);
    return null;
  }
  await createDatabase(FULL);
  const now = new Date();
  const period = calendarMonth(now);
  log(`preloading ${N.toLocaleString('en-US')} receipts (${HOPS} hops per trace) into ${FULL}`);
  const started = performance.now();
  let lastLog = 0;
  await preload(urlOf(FULL), {
    receipts: N,
    hopsPerTrace: HOPS,
    start: period.start,
    end: new Date(now.getTime() - 60_000),
    onProgress: (done) => {
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        log(`  ${done.toLocaleString('en-US')} receipts, ${Math.round(done / ((performance.now() - started) / 1000))}/s`);
      }
    },
  });
  const copySec = (performance.now() - started) / 1000;
  log(`  written in ${copySec.toFixed(0)} s; sequencing the log`);
  const db = await openDatabase({ databaseUrl: urlOf(FULL), dataDir: '' });
  registerDatabase(db);
  const seqStarted = performance.now();
  try {
    const identity = await ensureLogKey({ explicitOrigin: ORIGIN, publicUrl: 'http://localhost', encryptionKey: null });
    const sequencer = new Sequencer(identity, { batchSize: 100_000 });
    for (;;) {
      const r = await sequencer.runBatch();
      if (r.sequenced === 0) break;
    }
  } finally {
    await db.close();
  }
  const seqSec = (performance.now() - seqStarted) / 1000;
  const vacStarted = performance.now();
  await admin(async () => {
    const c = new pg.Client({ connectionString: urlOf(FULL) });
    await c.connect();
    await c.query('VACUUM (ANALYZE)');
    await c.end();
  });
  const vacuumSec = (performance.now() - vacStarted) / 1000;
  return { copySec, seqSec, vacuumSec, totalSec: (performance.now() - started) / 1000 };
}

// The request log as the exchange path writes it: a row per exchange, plus a refusal beside
// about one in fifty (four codes), so the request-log page is read from a log as long as the
// ledger. Filled here, in one statement each, for new and reused databases alike.
const REFUSALS = [
  ['HEL_HOST_NOT_ALLOWED', 403, 'The forward host is not on the allowlist.'],
  ['API_KEY_REVOKED', 401, 'The API key has been revoked.'],
  ['CHAIN_CONFLICT', 409, 'The chain changed concurrently; retry the request.'],
  ['INVALID_JSON', 400, 'The request body is not valid JSON.'],
] as const;

async function fillRequestLog() {
  const c = new pg.Client({ connectionString: urlOf(FULL) });
  await c.connect();
  try {
    const present = await c.query('SELECT 1 FROM request_log WHERE tenant_id = $1 LIMIT 1', [PRELOAD_TENANT]);
    if (present.rowCount) return null;
    const t = performance.now();
    await c.query(
      `INSERT INTO request_log (tenant_id, api_key_id, occurred_at, payload_type, target_type, status, total_ms, added_ms, trace_id, receipt_hash)
       SELECT tenant_id, api_key_id, created_at, payload_type, target_type, 200, 12 + hop % 7, 1.5 + hop % 3, trace_id, receipt_hash
         FROM receipts WHERE tenant_id = $1`,
      [PRELOAD_TENANT],
    );
    const refused = await c.query(
      `INSERT INTO request_log (tenant_id, api_key_id, occurred_at, payload_type, target_type, status, error_code, error_message, total_ms, added_ms)
       SELECT r.tenant_id, r.api_key_id, r.created_at + interval '1 millisecond', r.payload_type, r.target_type, x.status, x.code, x.message, 3, 3
         FROM receipts r
         JOIN unnest($2::text[], $3::int[], $4::text[]) WITH ORDINALITY AS x(code, status, message, n) ON x.n = 1 + (r.hop + length(r.trace_id)) % 4
        WHERE r.tenant_id = $1 AND abs(hashtext(r.receipt_hash)) % 50 = 0`,
      [PRELOAD_TENANT, REFUSALS.map((r) => r[0]), REFUSALS.map((r) => r[1]), REFUSALS.map((r) => r[2])],
    );
    await c.query('VACUUM (ANALYZE) request_log');
    return { refusals: refused.rowCount ?? 0, sec: (performance.now() - t) / 1000 };
  } finally {
    await c.end();
  }
}

// The billing outbox's batches, as a live instance would have formed them long ago: measured
// without this, every full-database round also carried the outbox catching up on millions of
// preloaded rows. Run for new and reused databases alike; a no-op once everything is batched.
async function batchBacklog() {
  const db = await openDatabase({ databaseUrl: urlOf(FULL), dataDir: '' });
  registerDatabase(db);
  const t = performance.now();
  let batches = 0;
  try {
    for (;;) {
      // A million leaves per run: a few large transactions.
      const created = await batchUsage({ windowMs: 0, maxLeavesPerRun: 1_000_000 });
      if (created === 0) break;
      batches += created;
    }
  } finally {
    await db.close();
  }
  // Batching sets batch_id on millions of rows at once, leaving as many dead row versions; a live
  // instance's autovacuum keeps up with them, here it would still be at work during the rounds
  // (and the outbox's own query walks the dead versions until it is done). Fast when clean.
  const c = new pg.Client({ connectionString: urlOf(FULL) });
  await c.connect();
  const v = performance.now();
  try {
    await c.query('VACUUM (ANALYZE) usage_events');
  } finally {
    await c.end();
  }
  return { batches, sec: (v - t) / 1000, vacuumSec: (performance.now() - v) / 1000 };
}

async function sizes() {
  const c = new pg.Client({ connectionString: urlOf(FULL) });
  await c.connect();
  try {
    const [db] = (await c.query<{ bytes: string }>('SELECT pg_database_size(current_database())::text AS bytes')).rows;
    const tables = (
      await c.query<{ name: string; bytes: string }>(
        `SELECT relname AS name, pg_total_relation_size(oid)::text AS bytes FROM pg_class
          WHERE relname IN ('receipts', 'usage_events', 'usage_rollups', 'idempotency_records', 'traces', 'log_leaves', 'log_tiles', 'log_pending', 'request_log') ORDER BY 2 DESC`,
      )
    ).rows;
    const [count] = (await c.query<{ n: string }>('SELECT count(*)::text AS n FROM receipts')).rows;
    return { bytes: Number(db!.bytes), tables, receipts: Number(count!.n) };
  } finally {
    await c.end();
  }
}

/** Chains verify against the JWKS, and the rollups equal the ledger. */
async function verify() {
  const db = await openDatabase({ databaseUrl: urlOf(FULL), dataDir: '' });
  registerDatabase(db);
  try {
    const keys = await jwks();
    const traces = Math.ceil(N / HOPS);
    for (const i of [0, Math.floor(traces / 2), traces - 1]) {
      const chain = await loadChain(PRELOAD_TENANT, `tr-scale-${i}`);
      const result = verifyChain(chain ?? [], keys);
      if (!result.valid) throw new Error(`tr-scale-${i} does not verify: ${JSON.stringify(result).slice(0, 400)}`);
    }
    const t = performance.now();
    const mismatches = [...(await verifyRollups(db.sql, PRELOAD_TENANT)), ...(await verifyTraceRollups(db.sql, PRELOAD_TENANT))];
    if (mismatches.length) throw new Error(`rollups differ from what they count: ${JSON.stringify(mismatches.slice(0, 3))}`);
    return { rollupVerifySec: (performance.now() - t) / 1000 };
  } finally {
    await db.close();
  }
}

interface Round {
  db: 'empty' | 'full';
  rps: number;
  p95: number;
  walBytes: number;
  fpi: number;
  blocksRead: number;
  dashboardP95: number;
  dashboardRps: number;
  overviewP95: number;
  billingP95: number;
  receiptsP95: number;
  requestsP95: number;
  exportSec: number;
  exportMb: number;
  exportRows: number;
  exportRssMb: number;
  purgeDrySec: number;
}

async function pageData(db: Database) {
  registerDatabase(db);
  const now = new Date();
  const period = calendarMonth(now);
  // What the pages' tRPC procedures run (trpc/routers/overview.ts, billing.ts, receipts.ts).
  const overview = () =>
    Promise.all([usageTotals(PRELOAD_TENANT, period), dailyUsage(PRELOAD_TENANT, period), includedUnits(PRELOAD_TENANT), countActiveApiKeys(PRELOAD_TENANT, now), tracesInPeriod(PRELOAD_TENANT, period), lastExchangeAt(PRELOAD_TENANT)]);
  const billing = () => Promise.all([billingDashboard(PRELOAD_TENANT), usageHistory(PRELOAD_TENANT)]);
  const receipts = () => listTraces({ tenantId: PRELOAD_TENANT, take: 100 });
  // The request-log page's first view: its newest page, its error-code choices, and the
  // refusals filter (the rarest rows, so the deepest walk).
  const requests = () =>
    Promise.all([listRequests({ tenantId: PRELOAD_TENANT }, { limit: 50 }), requestErrorCodes(PRELOAD_TENANT), listRequests({ tenantId: PRELOAD_TENANT, outcome: 'refused' }, { limit: 50 })]);
  await Promise.all([overview(), billing(), receipts(), requests()]);
  return { overviewP95: await timed(30, overview), billingP95: await timed(30, billing), receiptsP95: await timed(30, receipts), requestsP95: await timed(30, requests) };
}

const EMPTY = 'signet_scale_empty';

// Created once for all rounds: creating a database forces a checkpoint, after which each page a
// write touches first is logged whole (a full-page image), which would fall on the next round.
async function createEmpty() {
  await createDatabase(EMPTY);
  // The same tenant row and log origin as the full database.
  const c = new pg.Client({ connectionString: urlOf(EMPTY) });
  await c.connect();
  try {
    await c.query(`INSERT INTO tenants (id, name) VALUES ($1, $1)`, [PRELOAD_TENANT]);
  } finally {
    await c.end();
  }
}

/** The server's settings that decide how a large database is cached and checkpointed. */
async function serverSettings() {
  const names = ['shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression'];
  const rows = await admin(async (c) => (await c.query<{ name: string; setting: string }>('SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name', [names])).rows);
  return rows.map((r) => `${r.name} ${r.setting}`).join(', ');
}

/** Cluster-wide WAL and this database's block reads, to divide by a run's exchanges. */
async function ioCounters(name: string) {
  const c = new pg.Client({ connectionString: urlOf(name) });
  await c.connect();
  try {
    const [row] = (
      await c.query<{ wal_bytes: string; wal_fpi: string; blks_read: string }>(
        'SELECT w.wal_bytes::text, w.wal_fpi::text, d.blks_read::text FROM pg_stat_wal w, pg_stat_database d WHERE d.datname = current_database()',
      )
    ).rows;
    return { walBytes: Number(row!.wal_bytes), fpi: Number(row!.wal_fpi), blocksRead: Number(row!.blks_read) };
  } finally {
    await c.end();
  }
}

async function measure(which: 'empty' | 'full'): Promise<Round> {
  const name = which === 'full' ? FULL : EMPTY;
  const server: BenchServer = await startBenchServer({
    port: PORT,
    databaseUrl: urlOf(name),
    apiKeys: JSON.stringify({ [KEY]: { tenant: PRELOAD_TENANT } }),
    distDir: '.next-bench',
    entry: 'scripts/api-server.ts',
    env: { SP_SEED_DEMO: 'false', SP_LOG_ORIGIN: ORIGIN, SP_LOG_LEVEL: 'warn', SP_RATE_LIMIT_RPS: '100000', SP_RATE_LIMIT_BURST: '200000' },
  });
  try {
    const exchange = { method: 'POST' as const, path: '/v1/exchange', headers: { 'x-signet-api-key': KEY }, body: INVOICE, idempotencyKeys: 'unique' as const };
    await runLoad({ name: 'warm-up', kind: 'exchange', connections: 8, plan: exchange, url: server.url, durationSec: 3 }, GENERATOR);
    // Each run starts right after a checkpoint: until a page is written again it is logged whole
    // at its first write, which on the full database's large random-keyed indexes is most writes
    // (its worst moment), so every round starts from the same point of the cycle.
    await admin((c) => c.query('CHECKPOINT'));
    const ioBefore = await ioCounters(name);
    const ex = await runLoad({ name: 'exchange', kind: 'exchange', connections: 32, plan: exchange, url: server.url, durationSec: DURATION }, GENERATOR);
    const ioAfter = await ioCounters(name);
    const io = {
      walBytes: (ioAfter.walBytes - ioBefore.walBytes) / ex.ok,
      fpi: (ioAfter.fpi - ioBefore.fpi) / ex.ok,
      blocksRead: (ioAfter.blocksRead - ioBefore.blocksRead) / ex.ok,
    };
    log(`  ${which}: exchange c=32 ${ex.rps.toFixed(0)}/s p95 ${ex.p95.toFixed(1)} ms; per exchange: WAL ${io.walBytes.toFixed(0)} bytes, ${io.fpi.toFixed(2)} full-page images, ${io.blocksRead.toFixed(2)} blocks read`);
    const dash = await runLoad(
      { name: 'dashboard', kind: 'floor', connections: 4, plan: { method: 'GET', path: '/v1/billing/dashboard', headers: { 'x-signet-api-key': KEY } }, url: server.url, durationSec: Math.min(DURATION, 10) },
      GENERATOR,
    );
    log(`  ${which}: dashboard c=4 ${dash.rps.toFixed(0)}/s p95 ${dash.p95.toFixed(1)} ms`);

    const db = await openDatabase({ databaseUrl: urlOf(name), dataDir: '' });
    let pages;
    let purgeDrySec;
    try {
      pages = await pageData(db);
      const t = performance.now();
      await purgeExpiredTraces({ before: retentionCutoff(new Date(), 7), dryRun: true });
      purgeDrySec = (performance.now() - t) / 1000;
    } finally {
      await db.close();
    }
    log(`  ${which}: page data p95 overview ${pages.overviewP95.toFixed(1)} ms, billing ${pages.billingP95.toFixed(1)} ms, receipts ${pages.receiptsP95.toFixed(1)} ms, request log ${pages.requestsP95.toFixed(1)} ms; purge dry run ${purgeDrySec.toFixed(2)} s`);

    server.resetPeak();
    const rssBefore = server.peakRssMb();
    const t = performance.now();
    const res = await fetch(`${server.url}/v1/billing/usage-ledger?period=current&format=csv`, { headers: { 'x-signet-api-key': KEY } });
    let bytes = 0;
    let rows = -1;
    for await (const part of res.body! as unknown as AsyncIterable<Uint8Array>) {
      bytes += part.byteLength;
      for (const b of part) if (b === 10) rows++;
    }
    const exportSec = (performance.now() - t) / 1000;
    const exportRssMb = server.peakRssMb();
    log(`  ${which}: usage-ledger export ${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(0)} MB in ${exportSec.toFixed(1)} s; server RSS ${rssBefore.toFixed(0)} → peak ${exportRssMb.toFixed(0)} MB`);
    return {
      db: which,
      rps: ex.rps,
      p95: ex.p95,
      ...io,
      dashboardP95: dash.p95,
      dashboardRps: dash.rps,
      ...pages,
      exportSec,
      exportMb: bytes / 1e6,
      exportRows: rows,
      exportRssMb,
      purgeDrySec,
    };
  } finally {
    await server.stop();
  }
}

const INVOICE = JSON.stringify({
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-001","amount":1000,"currency":"USD"}' } }] },
});

const filled = await fill();
const requestLog = await fillRequestLog();
if (requestLog) log(`request log filled: a row per receipt and ${requestLog.refusals.toLocaleString('en-US')} refusals in ${requestLog.sec.toFixed(0)} s`);
const batched = await batchBacklog();
log(`usage batched by the outbox: ${batched.batches.toLocaleString('en-US')} batches in ${batched.sec.toFixed(0)} s; VACUUM ANALYZE usage_events ${batched.vacuumSec.toFixed(0)} s`);
const size = await sizes();
log(`database ${FULL}: ${size.receipts.toLocaleString('en-US')} receipts, ${(size.bytes / 1e9).toFixed(2)} GB, ${((size.bytes / size.receipts) * 1e6 / 1e9).toFixed(2)} GB per million receipts`);
const checked = await verify();
log(`chains verify; usage rollups = ledger, trace rollups = traces (checked in ${checked.rollupVerifySec.toFixed(1)} s)`);

const settings = await serverSettings();
log(`PostgreSQL: ${settings}`);
await createEmpty();
const rounds: Round[] = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const which of r % 2 === 0 ? (['empty', 'full'] as const) : (['full', 'empty'] as const)) rounds.push(await measure(which));
}
await dropDatabase(EMPTY);

const f = (n: number, d = 0) => n.toFixed(d);
console.log(`\n## Scale benchmark — ${new Date().toISOString().slice(0, 16)}Z, ${N.toLocaleString('en-US')} receipts preloaded (${HOPS} hops per trace), PostgreSQL`);
if (filled) {
  console.log(
    `\nPreload: ${f(filled.totalSec)} s in all — written (COPY, signing included) ${f(filled.copySec)} s (${f(N / filled.copySec)} receipts/s), log sequenced ${f(filled.seqSec)} s, VACUUM ANALYZE ${f(filled.vacuumSec)} s.`,
  );
}
console.log(`Database: ${(size.bytes / 1e9).toFixed(2)} GB, ${((size.bytes / size.receipts) * 1e6 / 1e9).toFixed(2)} GB per million receipts (${size.tables.map((t) => `${t.name} ${(Number(t.bytes) / 1e9).toFixed(2)} GB`).join(', ')}).`);
console.log(`Usage rollups = ledger and trace rollups = traces, verified in ${checked.rollupVerifySec.toFixed(1)} s. PostgreSQL: ${settings}.\n`);
console.log('| round | database | exchanges/s c=32 | p95 ms | WAL bytes / full-page images / blocks read per exchange | dashboard p95 ms (c=4) | overview data p95 ms | billing data p95 ms | receipts data p95 ms | request-log data p95 ms | ledger export | export server RSS MB | purge dry run s |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
rounds.forEach((r, i) =>
  console.log(
    `| ${Math.floor(i / 2) + 1} | ${r.db} | ${f(r.rps)} | ${f(r.p95, 1)} | ${f(r.walBytes)} / ${f(r.fpi, 2)} / ${f(r.blocksRead, 2)} | ${f(r.dashboardP95, 1)} | ${f(r.overviewP95, 1)} | ${f(r.billingP95, 1)} | ${f(r.receiptsP95, 1)} | ${f(r.requestsP95, 1)} | ${r.exportRows.toLocaleString('en-US')} rows, ${f(r.exportMb)} MB, ${f(r.exportSec, 1)} s | ${f(r.exportRssMb)} | ${f(r.purgeDrySec, 2)} |`,
  ),
);
const mean = (db: 'empty' | 'full', k: keyof Round) => rounds.filter((r) => r.db === db).reduce((s, r) => s + (r[k] as number), 0) / rounds.filter((r) => r.db === db).length;
console.log(`\nfull / empty, exchanges/s: ${(mean('full', 'rps') / mean('empty', 'rps')).toFixed(3)}; p95: ${(mean('full', 'p95') / mean('empty', 'p95')).toFixed(3)}`);
if (!values.reuse) log(`keeping ${FULL} for --reuse; drop it with: psql -c 'DROP DATABASE ${FULL}'`);
process.exit(0);
