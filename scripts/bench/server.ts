// Starts the production server for a benchmark on a fresh database and samples its RSS.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const BENCH_PASSWORD = 'bench-demo-password';

export interface BenchServer {
  url: string;
  dataDir: string;
  databaseUrl: string | null;
  peakRssMb(): number;
  resetPeak(): void;
  /** CPU seconds (user + system) the server process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

// /proc/<pid>/stat counts in clock ticks of 1/100 s (USER_HZ, the same on every Linux build).
const TICKS_PER_SECOND = 100;

function cpuSeconds(pid: number): number {
  // The command name (field 2) may hold spaces; utime and stime are fields 14 and 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

// A benchmark stopped by a signal takes its servers with it (they would keep the bench port).
const running = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

/** `entry` is the server to start: server.ts (API and portal, the default) or scripts/api-server.ts (the API alone). */
export async function startBenchServer(opts: { port: number; databaseUrl: string | null; apiKeys: string; distDir: string; env?: Record<string, string>; imports?: string[]; entry?: string; nodeArgs?: string[] }): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'signet-bench-'));
  // Started as `npm start` starts it (package.json): heap capped, two malloc arenas.
  const child: ChildProcess = spawn(process.execPath, [`--max-old-space-size=${process.env.SIGNET_HEAP_MB ?? 192}`, ...(opts.nodeArgs ?? []), '--import', 'tsx', ...(opts.imports ?? []).flatMap((m) => ['--import', m]), opts.entry ?? 'server.ts'], {
    env: {
      ...process.env,
      MALLOC_ARENA_MAX: '2',
      SP_PORT: String(opts.port),
      SP_DATA_DIR: dataDir,
      SP_NEXT_DIST_DIR: opts.distDir,
      // The demo auditor signs in for the in-browser verifier timing.
      SP_SEED_DEMO: 'true',
      SP_DEMO_PASSWORD: BENCH_PASSWORD,
      SP_API_KEYS: opts.apiKeys,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : { DATABASE_URL: '' }),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${opts.port}`;
  // Generous by default: on a loaded machine a production start can take minutes.
  const startTimeoutS = Number(process.env.BENCH_START_TIMEOUT_S ?? 300);
  const deadline = Date.now() + startTimeoutS * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start-up:\n${log}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start in ${startTimeoutS} s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 200);
  return {
    url,
    dataDir,
    databaseUrl: opts.databaseUrl,
    peakRssMb: () => Math.max(peak, rssMb(child.pid!)),
    resetPeak: () => (peak = 0),
    cpuSeconds: () => cpuSeconds(child.pid!),
    async stop() {
      clearInterval(sampler);
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
