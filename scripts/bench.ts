// npm run bench: drives the production server with wrk on loopback (autocannon when wrk is not
// installed, or BENCH_LOAD_GENERATOR=autocannon) and prints, per run, successful requests/s,
// p50/p95/p99, non-2xx and errors, peak server RSS; the ratio of exchanges to the same
// process's no-op route (the floor); the latency exchanges add; and integrity afterwards. Runs
// on the embedded PGlite, and on PostgreSQL when DATABASE_URL is set. BENCH_DURATION (seconds
// per run, default 15) and BENCH_CONNECTIONS (default 1,8,32,64). The transparency log: how long
// receipts took to reach a signed checkpoint under that load, exchange throughput with the log
// on and off (fresh servers, alternated), the sequencer alone on a backlog (BENCH_LOG_ENTRIES,
// default 100,000), and the auditor page verifying a 1,000-hop trace with its log proofs.
// Tracing: throughput with OpenTelemetry loaded but no endpoint set, against a build without it;
// on PostgreSQL, the request log's row written and not. Each alternated pair also prints the
// server's CPU per exchange.
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { checkIntegrity } from './bench/integrity';
import { BENCH_KEY as KEY, invoiceBody as invoice } from './bench/invoice';
import { benchSequencer, logIntegration } from './bench/log';
import { loadGenerator, runLoad, type RequestPlan, type RunResult, type RunSpec } from './bench/load';
import { BENCH_PASSWORD, startBenchServer } from './bench/server';
import { timeVerifierInChromium } from './bench/verifier';
import { benchUsageProof, printUsageProof } from './bench/usage-proof';

const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,8,32,64').split(',').map(Number);
const DIST_DIR = '.next-bench';
const PORT = Number(process.env.BENCH_PORT ?? 8097);
const LOG_ENTRIES = Number(process.env.BENCH_LOG_ENTRIES ?? 100_000);

const GENERATOR = loadGenerator();

function exchangePlan(plan: Partial<RequestPlan> = {}): RequestPlan {
  return { method: 'POST', path: '/v1/exchange', headers: { 'x-signet-api-key': KEY }, body: invoice(), idempotencyKeys: 'unique', ...plan };
}

/** The sequencer's newest checkpoint stops growing: what committed is in the log. */
async function logSettled(url: string) {
  let last = -1;
  for (;;) {
    const size = Number((await (await fetch(`${url}/v1/log/checkpoint`)).text()).split('\n')[1]);
    if (size === last) return;
    last = size;
    await new Promise((r) => setTimeout(r, 1500));
  }
}

interface Variant {
  name: string;
  env?: Record<string, string>;
  /** Extra `--import` modules for the server's Node. */
  imports?: string[];
  /** Runs once the variant's server is up, before the load. */
  prepare?: (databaseUrl: string | null) => Promise<unknown>;
}

interface VariantRun {
  variant: string;
  rps: number;
  p95: number;
  /** Server CPU per successful exchange: steadier than throughput when the machine is shared. */
  cpuUs: number;
}

/**
 * Exchange throughput at 32 connections on a fresh server per run, the variants alternated
 * (a, b, then b, a, …) so that drift in the machine's speed, steady or not, falls on each alike.
 */
async function alternated(variants: Variant[], rounds: number, databaseUrl: () => string | null): Promise<VariantRun[]> {
  const out: VariantRun[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
      const url = databaseUrl();
      const server = await startBenchServer({ port: PORT, databaseUrl: url, apiKeys: JSON.stringify({ [KEY]: { tenant: 'bench' } }), distDir: DIST_DIR, env: v.env, imports: v.imports });
      await v.prepare?.(url);
      await runLoad({ name: 'warm-up', kind: 'exchange', connections: 8, plan: exchangePlan(), url: server.url, durationSec: 3 }, GENERATOR);
      const cpuBefore = server.cpuSeconds();
      const r = await runLoad({ name: v.name, kind: 'exchange', connections: 32, plan: exchangePlan(), url: server.url, durationSec: DURATION }, GENERATOR);
      const cpuUs = ((server.cpuSeconds() - cpuBefore) * 1e6) / r.ok;
      process.stderr.write(`  ${v.name} c=32: ${r.rps.toFixed(0)} req/s, ${cpuUs.toFixed(0)} µs CPU per exchange\n`);
      out.push({ variant: v.name, rps: r.rps, p95: r.p95, cpuUs });
      await server.stop();
    }
  }
  return out;
}

/**
 * The log on and off. Off is the sequencer off; on PostgreSQL the queue's trigger is disabled
 * too, so nothing of the log runs (PGlite lives inside the server process, where the benchmark
 * cannot reach its schema).
 */
const logOnOff = (databaseUrl: () => string | null) =>
  alternated(
    [
      { name: 'log on', env: { SP_LOG_SEQUENCER: 'on' } },
      {
        name: 'log off',
        env: { SP_LOG_SEQUENCER: 'off' },
        prepare: async (url) => url && withPostgres(url, (c) => c.query('ALTER TABLE receipts DISABLE TRIGGER receipts_log_enqueue')),
      },
    ],
    2,
    databaseUrl,
  );

/**
 * Each exchange's request-log row on and off, on PostgreSQL: off, a rewrite rule turns the append
 * function's INSERT into request_log into nothing, so neither the row nor its indexes are written.
 */
const requestLogOnOff = (databaseUrl: () => string | null) =>
  alternated(
    [
      { name: 'request log on' },
      {
        name: 'request log off',
        prepare: async (url) => url && withPostgres(url, (c) => c.query('CREATE RULE bench_request_log_off AS ON INSERT TO request_log DO INSTEAD NOTHING')),
      },
    ],
    2,
    databaseUrl,
  );

/**
 * Tracing with no OTLP endpoint set (how most operators run) against a build without tracing:
 * server/telemetry/{tracing,otlp}.ts swapped for stand-ins that only call through
 * (scripts/bench/without-tracing/), so the OpenTelemetry API and SDK are never loaded.
 */
const tracingOnOff = (databaseUrl: () => string | null) =>
  alternated(
    [
      { name: 'tracing, no endpoint', env: { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' } },
      { name: 'without tracing', imports: ['./scripts/bench/without-tracing/register.mjs'] },
    ],
    4,
    databaseUrl,
  );

async function withPostgres(url: string, fn: (client: pg.Client) => Promise<unknown>) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

/** One exchange, waited for (the trace's hops are appended one after the other). */
async function exchangeOnce(url: string, traceId: string | undefined) {
  const res = await fetch(`${url}/v1/exchange`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signet-api-key': KEY, 'x-signet-idempotency-key': randomUUID() }, body: invoice(traceId) });
  if (!res.ok) throw new Error(`exchange for the verifier's trace: HTTP ${res.status} ${await res.text()}`);
}

async function benchDatabase(label: string, databaseUrl: string | null, timeVerifier: boolean, freshUrl: () => string | null) {
  const server = await startBenchServer({ port: PORT, databaseUrl, apiKeys: JSON.stringify({ [KEY]: { tenant: 'bench' } }), distDir: DIST_DIR });
  const results: (RunResult & { rssMb: number })[] = [];
  let created = 0;
  const run = async (spec: Omit<RunSpec, 'url' | 'durationSec'>, durationSec = DURATION) => {
    server.resetPeak();
    const r = await runLoad({ ...spec, url: server.url, durationSec }, GENERATOR);
    results.push({ ...r, rssMb: server.peakRssMb() });
    if (spec.kind === 'exchange' || spec.kind === 'mixed') created += r.ok;
    process.stderr.write(`  ${label} ${r.name} c=${r.connections}: ${r.rps.toFixed(0)} req/s\n`);
  };

  await run({ name: 'warm-up', kind: 'exchange', connections: 8, plan: exchangePlan() }, 3);
  results.pop(); // its receipts still count in `created`
  for (const c of CONNECTIONS) await run({ name: 'floor (GET /v1/ping)', kind: 'floor', connections: c, plan: { method: 'GET', path: '/v1/ping' } });
  for (const c of CONNECTIONS) await run({ name: 'exchange, new traces', kind: 'exchange', connections: c, plan: exchangePlan() });
  const appends = Array.from({ length: 200 }, (_, i) => invoice(`mix-${i}`));
  await run({ name: 'mixed, 30% appends', kind: 'mixed', connections: 32, plan: exchangePlan({ alternates: { share: 0.3, bodies: appends } }) });

  const replayKeys = Array.from({ length: 200 }, (_, i) => `replay-${i}`);
  for (const k of replayKeys) {
    const res = await fetch(`${server.url}/v1/exchange`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signet-api-key': KEY, 'x-signet-idempotency-key': k }, body: invoice() });
    if (res.ok) created++;
  }
  await run({ name: 'replay (idempotency hits)', kind: 'replay', connections: 32, plan: exchangePlan({ idempotencyKeys: replayKeys }) });

  const verifierMs = timeVerifier ? await timeVerifierInChromium(server.url, { email: 'auditor@signet.local', password: BENCH_PASSWORD }, KEY, async (traceId) => {
    await exchangeOnce(server.url, traceId);
    created++;
  }) : [];
  await logSettled(server.url);
  await server.stop();
  const integrity = await checkIntegrity({ databaseUrl, dataDir: server.dataDir, expected: created, sample: 25 });
  const integration = await logIntegration({ databaseUrl, dataDir: server.dataDir });
  const onOff = await logOnOff(freshUrl);
  const sequencer = await benchSequencer(freshUrl(), LOG_ENTRIES);
  const tracing = await tracingOnOff(freshUrl);
  const requestLog = databaseUrl ? await requestLogOnOff(freshUrl) : null;
  return { label, results, integrity, verifierMs, log: { integration, onOff, sequencer }, tracing, requestLog };
}

function fmt(n: number, digits = 1) {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

/**
 * The runs of two alternated variants and how far `a` is from `b`: throughput (mean; positive is
 * faster) and the server's CPU per exchange (mean; positive costs more).
 */
function compare(runs: VariantRun[], a: string, b: string): string {
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const of = (name: string, field: 'rps' | 'cpuUs') => mean(runs.filter((x) => x.variant === name).map((x) => x[field]));
  const change = (field: 'rps' | 'cpuUs') => fmt((100 * (of(a, field) - of(b, field))) / of(b, field));
  const each = runs.map((x) => `${x.variant} ${fmt(x.rps, 0)} (p95 ${fmt(x.p95)} ms, ${fmt(x.cpuUs, 0)} µs CPU)`).join(', ');
  return `${each} req/s; mean ${a} ${fmt(of(a, 'rps'), 0)}, ${b} ${fmt(of(b, 'rps'), 0)}: ${change('rps')} %; server CPU per exchange ${fmt(of(a, 'cpuUs'), 0)} vs ${fmt(of(b, 'cpuUs'), 0)} µs: ${change('cpuUs')} %`;
}

function printReport(r: Awaited<ReturnType<typeof benchDatabase>>) {
  console.log(`\n## ${r.label}\n`);
  console.log('| run | conns | ok req/s | p50 ms | p95 ms | p99 ms | non-2xx | errors | peak RSS MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of r.results) {
    console.log(`| ${x.name} | ${x.connections} | ${fmt(x.rps, 0)} | ${fmt(x.p50)} | ${fmt(x.p95)} | ${fmt(x.p99)} | ${x.non2xx} | ${x.errors} | ${fmt(x.rssMb, 0)} |`);
  }
  console.log('\n| conns | exchange/floor | added p50 ms | added p95 ms |');
  console.log('|---:|---:|---:|---:|');
  for (const c of CONNECTIONS) {
    const f = r.results.find((x) => x.kind === 'floor' && x.connections === c);
    const e = r.results.find((x) => x.kind === 'exchange' && x.connections === c);
    if (f && e) console.log(`| ${c} | ${fmt(e.rps / f.rps, 2)} | ${fmt(e.p50 - f.p50)} | ${fmt(e.p95 - f.p95)} |`);
  }
  if (r.verifierMs.length) {
    console.log(
      `\nauditor page, 1,000-hop bundle verified in Chromium (Web Worker): signatures, 1,000 inclusion proofs, the log signature and a consistency proof fetched from the log: ${r.verifierMs.map((m) => `${m} ms`).join(', ')} (target < 1,000 ms)`,
    );
  }
  const { integration: li, onOff, sequencer: sq } = r.log;
  console.log(
    `\ntransparency log: ${li.sequenced}/${li.receipts} receipts in a signed checkpoint; commit → signed checkpoint p50 ${fmt(li.p50Ms, 0)} ms, p95 ${fmt(li.p95Ms, 0)} ms, max ${fmt(li.maxMs, 0)} ms (target p95 ≤ 1,000 ms, max ≤ 10,000 ms)`,
  );
  const logOff = r.label === 'PostgreSQL' ? 'sequencer and queue trigger' : 'sequencer';
  console.log(`exchange c=32, log on and off alternated (off: ${logOff} off): ${compare(onOff, 'log on', 'log off')} (target ≥ −5 %)`);
  console.log(`sequencer alone: ${sq.entries} entries in ${fmt(sq.seconds, 2)} s, ${sq.batches} batches → ${fmt(sq.perSecond, 0)} entries/s (target ≥ 10,000)`);
  console.log(`exchange c=32, tracing (no OTLP endpoint) against a build without tracing, alternated: ${compare(r.tracing, 'tracing, no endpoint', 'without tracing')} (target ≥ −2 %)`);
  if (r.requestLog) console.log(`exchange c=32, each exchange's request-log row written or not, alternated: ${compare(r.requestLog, 'request log on', 'request log off')} (target ≥ −5 %)`);
  const i = r.integrity;
  // The load generator stops at the deadline without reading the responses still in flight; those
  // exchanges complete on the server, so receipts may exceed the responses seen by at most
  // one request per connection per run.
  // Timed-out requests (counted as errors) may also have completed on the server.
  const inFlightBound = r.results.filter((x) => x.kind === 'exchange' || x.kind === 'mixed').reduce((n, x) => n + x.connections + x.errors, 0) + 8;
  const unseen = i.receipts - i.expected;
  const ok = i.receipts === i.usageVex && unseen >= 0 && unseen <= inFlightBound && i.gaps === 0 && i.headMismatches === 0 && i.sampled === i.sampledValid;
  console.log(
    `\nintegrity: receipts ${i.receipts}, usage-ledger VEx rows ${i.usageVex}, successful responses seen ${i.expected} (+${unseen} completed after the load generator's cut-off, bound ${inFlightBound}); traces with hop gaps ${i.gaps}; trace heads not at the last hop ${i.headMismatches}; sampled chains verified ${i.sampledValid}/${i.sampled} → ${ok ? 'PASS' : 'FAIL'}`,
  );
}

execSync('node scripts/build-if-needed.mjs', { stdio: 'inherit', env: { ...process.env, SP_NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' } });
console.log(`Signet benchmark: ${DURATION} s per run, connections ${CONNECTIONS.join('/')}, ${GENERATOR} on loopback, ${new Date().toISOString()}`);
const freshPostgres = () => execSync('npx tsx scripts/fresh-database.ts bench', { encoding: 'utf8' }).trim();
const reports = process.env.BENCH_SKIP_PGLITE ? [] : [await benchDatabase('embedded PGlite', null, true, () => null)];
if (process.env.DATABASE_URL) {
  reports.push(await benchDatabase('PostgreSQL', freshPostgres(), reports.length === 0, freshPostgres));
}
for (const r of reports) printReport(r);
// Provable usage at the issue's scale: 1,000,000 VEx in one period, on PostgreSQL.
if (process.env.DATABASE_URL && !process.env.BENCH_SKIP_USAGE) printUsageProof(await benchUsageProof(freshPostgres(), Number(process.env.BENCH_USAGE_VEX ?? 1_000_000)));
