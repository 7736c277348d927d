// A PostgreSQL cluster of the test's own (initdb into a temporary folder, pg_ctl), so a test can
// stop and restart its database without disturbing the shared server other tests use. Run as
// root (CI, this machine), the cluster belongs to the postgres user, as PostgreSQL requires.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface LocalCluster {
  /** A database on the cluster, for DATABASE_URL. */
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

/** The binaries of the newest installed PostgreSQL (Debian's layout), or null. */
export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

export async function createLocalCluster(port: number): Promise<LocalCluster> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  const dir = mkdtempSync(path.join(tmpdir(), 'signet-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const ids = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
    chownSync(dir, ids('-u'), ids('-g'));
    chmodSync(dir, 0o755);
  }
  const run = (tool: string, args: string[]) => {
    const cmd = path.join(bin, tool);
    execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'pipe', cwd: dir });
  };
  run('initdb', ['-D', data, '--auth=trust', '--username=root', '--no-sync', '--no-instructions']);
  const pgCtl = (action: string[]) =>
    run('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses='' -c fsync=off`, ...action]);
  pgCtl(['start']);
  const base = `postgresql://root@localhost:${port}/postgres?host=${encodeURIComponent(dir)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query('CREATE DATABASE signet');
  await admin.end();
  return {
    url: base.replace('/postgres?', '/signet?'),
    stop: () => pgCtl(['stop', '-m', 'fast']),
    start: () => pgCtl(['start']),
    destroy() {
      try {
        pgCtl(['stop', '-m', 'immediate']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
