// The transparency log's cost to the exchanges on one server, log on and off alternated: exchange
// throughput at BENCH_CONNECTIONS (default 32) for BENCH_DURATION seconds (default 10) per run,
// and the server's CPU time per 1,000 exchanges (steadier than req/s on a shared machine). Runs
// the API alone (scripts/api-server.ts, no Next build needed) on a fresh PGlite, or PostgreSQL
// with DATABASE_URL. BENCH_ROUNDS pairs (default 3). Usage: npx tsx scripts/bench-log-cost.ts
import { readFileSync } from 'node:fs';
import { loadGenerator, runLoad } from './bench/load';
import { startBenchServer } from './bench/server';
import { BENCH_KEY as KEY, invoiceBody as invoice } from './bench/invoice';

const PORT = Number(process.env.BENCH_PORT ?? 8098);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GENERATOR = loadGenerator();
// A V8 CPU profile per server run (.cpuprofile, for Chromium's performance panel), when set.
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;
const plan = { method: 'POST' as const, path: '/v1/exchange', headers: { 'x-signet-api-key': KEY }, body: invoice(), idempotencyKeys: 'unique' as const };

const variants = [
  { name: 'log on', env: { SP_LOG_SEQUENCER: 'on' } },
  { name: 'log off', env: { SP_LOG_SEQUENCER: 'off' } },
];
const rows: { name: string; rps: number; cpuMsPer1k: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // On, off, then off, on: a machine that speeds up or slows down over the run favours neither.
  for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
    const server = await startBenchServer({ port: PORT, databaseUrl: process.env.DATABASE_URL || null, apiKeys: JSON.stringify({ [KEY]: { tenant: 'bench' } }), distDir: '.next-bench', env: { SP_LOG_LEVEL: 'warn', ...v.env }, nodeArgs: PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}/${v.name.replace(' ', '-')}`] : [], entry: 'scripts/api-server.ts' });
    await runLoad({ name: 'warm-up', kind: 'exchange', connections: 8, plan, url: server.url, durationSec: 3 }, GENERATOR);
    const before = server.cpuSeconds();
    const r = await runLoad({ name: v.name, kind: 'exchange', connections: CONNECTIONS, plan, url: server.url, durationSec: DURATION }, GENERATOR);
    const cpu = server.cpuSeconds() - before;
    rows.push({ name: v.name, rps: r.rps, cpuMsPer1k: (cpu * 1e6) / Math.max(1, r.ok) });
    console.log(`${v.name}: ${r.rps.toFixed(0)} req/s, server CPU ${((cpu * 1e6) / Math.max(1, r.ok)).toFixed(0)} ms per 1,000 exchanges (load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`);
    await server.stop();
  }
}
const mean = (name: string, f: (r: (typeof rows)[number]) => number) => {
  const xs = rows.filter((r) => r.name === name).map(f);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
};
const [onRps, offRps] = [mean('log on', (r) => r.rps), mean('log off', (r) => r.rps)];
const [onCpu, offCpu] = [mean('log on', (r) => r.cpuMsPer1k), mean('log off', (r) => r.cpuMsPer1k)];
console.log(`mean: on ${onRps.toFixed(0)} / off ${offRps.toFixed(0)} req/s (${((100 * (onRps - offRps)) / offRps).toFixed(1)} %); CPU per 1,000 exchanges on ${onCpu.toFixed(0)} / off ${offCpu.toFixed(0)} ms (${((100 * (onCpu - offCpu)) / offCpu).toFixed(1)} %)`);
