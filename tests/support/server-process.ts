// Real Signet processes (scripts/api-server.ts, or server.ts with the portal) for the reliability tests: start one on a
// given database, wait until it answers /readyz, stop it with a signal, restart it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed (stdout and stderr). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServerEnv {
  port: number;
  /** The entry point: the API layer alone (default) or the whole server with the portal. */
  entry?: 'scripts/api-server.ts' | 'server.ts';
  /** PostgreSQL URL, or null for PGlite under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  extraEnv?: Record<string, string>;
}

/** Fails when something already listens on the port: its /readyz would answer for the new process. */
async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
  } catch (err) {
    throw new Error(`port ${port} is already in use (another test run?): ${(err as Error).message}`);
  } finally {
    probe.close();
  }
}

export async function startServerProcess(env: ServerEnv, timeoutMs = 90_000): Promise<ServerProcess> {
  await assertPortFree(env.port);
  const child = spawn(process.execPath, ['--import', 'tsx', env.entry ?? 'scripts/api-server.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      SP_PORT: String(env.port),
      HOST: '127.0.0.1',
      SP_DATA_DIR: env.dataDir,
      SP_SEED_DEMO: 'false',
      ...(env.databaseUrl && { DATABASE_URL: env.databaseUrl }),
      ...env.extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const url = `http://127.0.0.1:${env.port}`;
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void exited.then(() => (dead = true));
  for (;;) {
    if (dead) throw new Error(`server exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${timeoutMs} ms:\n${output}`);
    }
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    output: () => output,
    exited,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
