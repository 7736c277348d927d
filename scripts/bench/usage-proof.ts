// Provable usage at scale for npm run bench: one tenant with N VEx in one period (N = 1,000,000
// by default, BENCH_USAGE_VEX to change), interleaved in the log with other tenants' receipts
// (every tenth leaf). The ledger rows, log leaves, tiles and a signed checkpoint are written
// directly (the sequencer's own throughput is measured separately); batches are formed by the
// outbox as during the period. Then timed: building the signed statement and streaming the
// compact proof bundle to a file; `signet-verify usage` on it (a child process, compiled as
// `npm run generate` builds it); and the portal's own Web Worker verifying it in Chromium.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { compiledBin } from '../../bin/compiled.js';
import { buildBins } from '../build-bins.mjs';
import { batchUsage } from '@/server/billing/outbox-worker';
import { registerDatabase } from '@/server/db';
import { openDatabase } from '@/server/db/connection';
import { migrate } from '@/server/db/migrate';
import { seedCatalog } from '@/server/bootstrap/catalog';
import { ensureSigningKey, jwks } from '@/server/keys/signing-keys';
import { ensureLogKey } from '@/server/log/key';
import { formatCheckpoint } from '@/server/transparency/checkpoint';
import { receiptLeafHash, rootHash } from '@/server/transparency/merkle';
import { formatVerifierKey, signNote, SIG_ED25519 } from '@/server/transparency/note';
import { TileSet, TreeBuilder } from '@/server/log/tiles';
import { usageProofBundle } from '@/server/usage-proof/bundle';

export interface UsageProofReport {
  vex: number;
  treeSize: number;
  seedSeconds: number;
  batchSeconds: number;
  batches: number;
  buildSeconds: number;
  /** CPU of this process while building (the database's own is not counted). */
  buildCpuSeconds: number;
  bundleBytes: number;
  cliSeconds: number;
  cliExit: number;
  /** Whether the CLI ran compiled (.bin-build/) or through tsx. */
  cliCompiled: boolean;
  chromiumSeconds: number | null;
  chromiumVerdict: string | null;
}

const hashOf = (g: number) => `sha256:${createHash('sha256').update(`bench ${g}`).digest('hex')}`;

/** keepDir: where to copy the bundle, JWKS and log key, so the CLI can be re-run on them without re-seeding. */
export async function benchUsageProof(databaseUrl: string | null, vex = 1_000_000, keepDir: string | null = null): Promise<UsageProofReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'signet-bench-usage-'));
  const db = await openDatabase({ databaseUrl, dataDir: databaseUrl ? '' : path.join(dir, 'db') });
  registerDatabase(db);
  try {
    await migrate(db.sql);
    await seedCatalog();
    await ensureSigningKey({ seedB64: null, kid: null });
    const identity = await ensureLogKey({ explicitOrigin: 'bench.example/v1/log', publicUrl: 'http://localhost', encryptionKey: null });
    // Every tenth leaf (1-based g ≡ 0 mod 10) is another tenant's.
    const mine = (g: number) => g % 10 !== 0;
    let treeSize = vex;
    while (treeSize - Math.floor(treeSize / 10) < vex) treeSize++;

    let started = performance.now();
    await db.sql.query(`INSERT INTO tenants (id, name, plan_id) VALUES ('bench-usage', 'bench-usage', 'professional'), ('bench-other', 'bench-other', 'starter')`);
    await db.sql.query(
      `INSERT INTO log_leaves (leaf_index, receipt_hash)
       SELECT g - 1, 'sha256:' || encode(sha256(('bench ' || g)::bytea), 'hex') FROM generate_series(1, $1::int) AS g`,
      [treeSize],
    );
    await db.sql.query(
      `INSERT INTO usage_events (tenant_id, meter, units, receipt_hash, occurred_at)
       SELECT CASE WHEN g % 10 = 0 THEN 'bench-other' ELSE 'bench-usage' END, 'vex', 1,
              'sha256:' || encode(sha256(('bench ' || g)::bytea), 'hex'), now() - interval '2 minutes'
         FROM generate_series(1, $1::int) AS g`,
      [treeSize],
    );
    const builder = new TreeBuilder(new TileSet(), 0);
    let counted = 0;
    for (let g = 1; g <= treeSize; g++) {
      builder.append(receiptLeafHash(hashOf(g)));
      if (mine(g)) counted++;
    }
    const tiles = builder.takeDirty();
    for (let i = 0; i < tiles.length; i += 500) {
      const chunk = tiles.slice(i, i + 500);
      await db.sql.query(`INSERT INTO log_tiles (level, idx, hashes) SELECT level, idx, decode(hex, 'hex') FROM unnest($1::int[], $2::bigint[], $3::text[]) AS t(level, idx, hex)`, [
        chunk.map((t) => t.level),
        chunk.map((t) => String(t.index)),
        chunk.map((t) => Buffer.from(t.hashes).toString('hex')),
      ]);
    }
    // Planner statistics for the bulk-loaded tables, as autovacuum would gather them in service.
    await db.sql.query('ANALYZE usage_events, log_leaves, log_tiles');
    const root = rootHash(builder.tiles, treeSize);
    await db.sql.query(`INSERT INTO log_checkpoints (size, root_hash, note) VALUES ($1, decode($2, 'hex'), $3)`, [treeSize, Buffer.from(root).toString('hex'), signNote(formatCheckpoint(identity.origin, treeSize, root), identity.signer)]);
    const seedSeconds = (performance.now() - started) / 1000;

    // The outbox forms the period's batches as usage arrives (here all at once).
    started = performance.now();
    let batches = 0;
    for (let n = await batchUsage({ windowMs: 0, maxLeavesPerRun: 200_000 }); n > 0; n = await batchUsage({ windowMs: 0, maxLeavesPerRun: 200_000 })) batches += n;
    const batchSeconds = (performance.now() - started) / 1000;

    const bundlePath = path.join(dir, 'usage-proof.json');
    started = performance.now();
    const cpu = process.cpuUsage();
    const out = createWriteStream(bundlePath);
    for await (const chunk of await usageProofBundle('bench-usage', 'current', 'compact')) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    const buildSeconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    const buildCpuSeconds = (user + system) / 1e6;
    const bundleBytes = statSync(bundlePath).size;

    const jwksPath = path.join(dir, 'jwks.json');
    const keyPath = path.join(dir, 'log.key');
    const jwksText = JSON.stringify(await jwks());
    const logKey = formatVerifierKey(identity.origin, SIG_ED25519, identity.signer.publicKey);
    writeFileSync(jwksPath, jwksText);
    writeFileSync(keyPath, logKey);
    // The CLI as an install runs it: compiled by npm run generate (built here too, in case a source changed since).
    await buildBins();
    const cliCompiled = compiledBin('signet-verify') !== null;
    started = performance.now();
    let cliExit = 0;
    try {
      execFileSync(process.execPath, ['bin/signet-verify.js', 'usage', bundlePath, '--jwks', jwksPath, '--log-key', keyPath], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (error) {
      cliExit = (error as { status?: number }).status ?? -1;
    }
    const cliSeconds = (performance.now() - started) / 1000;

    const chromium = await timeInChromium(bundlePath, jwksText, logKey).catch((error: unknown) => {
      console.error(`usage proof in Chromium: ${(error as Error).message}`);
      return null;
    });
    if (counted !== vex) throw new Error(`seeded ${counted} VEx, wanted ${vex}`);
    if (keepDir) {
      mkdirSync(keepDir, { recursive: true });
      for (const file of [bundlePath, jwksPath, keyPath]) copyFileSync(file, path.join(keepDir, path.basename(file)));
      console.error(`usage proof: bundle, JWKS and log key kept in ${keepDir} (node bin/signet-verify.js usage ${path.join(keepDir, 'usage-proof.json')} --jwks ${path.join(keepDir, 'jwks.json')} --log-key ${path.join(keepDir, 'log.key')})`);
    }
    return { vex, treeSize, seedSeconds, batchSeconds, batches, buildSeconds, buildCpuSeconds, bundleBytes, cliSeconds, cliExit, cliCompiled, chromiumSeconds: chromium?.seconds ?? null, chromiumVerdict: chromium?.verdict ?? null };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The portal's worker (app/dashboard/billing/verify/usage.worker.ts, bundled with esbuild) in
 * Chromium, on a loopback server that serves it, the JWKS, the log key and the bundle; timed
 * from posting the file to the verdict.
 */
async function timeInChromium(bundlePath: string, jwksText: string, logKey: string): Promise<{ seconds: number; verdict: string }> {
  const worker = await build({ entryPoints: ['app/dashboard/billing/verify/usage.worker.ts'], bundle: true, format: 'esm', platform: 'browser', write: false, tsconfig: 'tsconfig.json', logLevel: 'silent' });
  const workerJs = worker.outputFiles[0]!.text;
  const { createReadStream } = await import('node:fs');
  const server = createServer((req, res) => {
    if (req.url === '/worker.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(workerJs);
    if (req.url === '/.well-known/jwks.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(jwksText);
    if (req.url === '/v1/log/key') return res.writeHead(200, { 'content-type': 'text/plain' }).end(logKey);
    if (req.url === '/bundle.json') return createReadStream(bundlePath).pipe(res.writeHead(200, { 'content-type': 'application/json' }));
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>usage proof bench</title>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(base);
    return await page.evaluate(async () => {
      const file = await (await fetch('/bundle.json')).blob();
      const w = new Worker('/worker.js', { type: 'module' });
      await new Promise<void>((resolve) => (w.onmessage = (e) => e.data.type === 'ready' && resolve()));
      const t0 = performance.now();
      const result = await new Promise<{ valid: boolean; total: string | null; units: { vex: number }; failures: { message: string }[] }>((resolve, reject) => {
        w.onmessage = (e) => {
          if (e.data.type === 'result') resolve(e.data.report);
          if (e.data.type === 'input-error') reject(new Error(e.data.message));
        };
        w.postMessage({ id: 1, file });
      });
      const seconds = (performance.now() - t0) / 1000;
      return { seconds, verdict: result.valid ? `verified: ${result.units.vex} VEx, $${result.total}` : `refused: ${result.failures[0]?.message}` };
    });
  } finally {
    await browser.close();
    server.close();
  }
}

export function printUsageProof(r: UsageProofReport) {
  const mb = (r.bundleBytes / 1024 / 1024).toFixed(1);
  // Every step is linear in the VEx now (no step re-reads the period per page), so a smaller run
  // (BENCH_USAGE_VEX) extrapolates to the issue's 1,000,000.
  const at1M = (seconds: number) => ((seconds * 1_000_000) / r.vex).toFixed(1);
  console.log(`\nprovable usage: ${r.vex.toLocaleString('en-US')} VEx of one tenant in one period, log of ${r.treeSize.toLocaleString('en-US')} leaves (seeded in ${r.seedSeconds.toFixed(1)} s; ${r.batches} batches formed by the outbox in ${r.batchSeconds.toFixed(1)} s)`);
  console.log(`| step | seconds | linear at 1,000,000 | target (at 1,000,000) |`);
  console.log(`|---|---:|---:|---:|`);
  console.log(`| build statement + stream compact bundle (${mb} MB; ${at1M(r.bundleBytes / 1024 / 1024)} MB at 1,000,000; ${r.buildCpuSeconds.toFixed(1)} s of CPU in this process, PostgreSQL not counted) | ${r.buildSeconds.toFixed(2)} | ${at1M(r.buildSeconds)} | ≤ 10 |`);
  console.log(`| signet-verify usage (CLI, exit ${r.cliExit}, ${r.cliCompiled ? 'compiled, hashing on two threads' : 'through tsx: the compiled build is missing'}) | ${r.cliSeconds.toFixed(2)} | ${at1M(r.cliSeconds)} | ≤ 5 |`);
  console.log(`| Chromium, the portal's Web Worker (${r.chromiumVerdict ?? 'not run'}) | ${r.chromiumSeconds?.toFixed(2) ?? '–'} | ${r.chromiumSeconds === null ? '–' : at1M(r.chromiumSeconds)} | ≤ 10 |`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const report = await benchUsageProof(process.env.DATABASE_URL ?? null, Number(process.env.BENCH_USAGE_VEX ?? 1_000_000), process.env.BENCH_USAGE_KEEP ?? null);
  printUsageProof(report);
}
