// The auditor page's timing alone (the last step of npm run bench's PGlite part): a fresh
// server on the embedded PGlite, a 1,000-hop trace, and BENCH_VERIFIER_RUNS verifications
// (default 5) in Chromium with its log proofs and a consistency proof. Builds the portal into
// .next-bench first when it is out of date. Usage: npx tsx scripts/bench-verifier.ts
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { BENCH_PASSWORD, startBenchServer } from './bench/server';
import { BENCH_KEY as KEY, invoiceBody as invoice } from './bench/invoice';
import { timeVerifierInChromium } from './bench/verifier';

const DIST_DIR = '.next-bench';
const PORT = Number(process.env.BENCH_PORT ?? 8097);
const RUNS = Number(process.env.BENCH_VERIFIER_RUNS ?? 5);

execSync('node scripts/build-if-needed.mjs', { stdio: 'inherit', env: { ...process.env, SP_NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' } });
const server = await startBenchServer({ port: PORT, databaseUrl: null, apiKeys: JSON.stringify({ [KEY]: { tenant: 'bench' } }), distDir: DIST_DIR });
try {
  const times = await timeVerifierInChromium(
    server.url,
    { email: 'auditor@signet.local', password: BENCH_PASSWORD },
    KEY,
    async (traceId) => {
      const res = await fetch(`${server.url}/v1/exchange`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signet-api-key': KEY, 'x-signet-idempotency-key': randomUUID() }, body: invoice(traceId) });
      if (!res.ok) throw new Error(`exchange for the verifier's trace: HTTP ${res.status} ${await res.text()}`);
    },
    RUNS,
  );
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`auditor page, 1,000-hop bundle verified in Chromium: ${times.map((m) => `${m} ms`).join(', ')}; median ${sorted[Math.floor(sorted.length / 2)]} ms (target < 1,000 ms)`);
} finally {
  await server.stop();
}
