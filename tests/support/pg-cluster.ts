// A PostgreSQL cluster of the test's own (initdb into a temporary folder, pg_ctl), so a test can
// stop and restart its database without disturbing the shared server other tests use. Run as
// root (CI, this machine), the cluster belongs to the postgres user, as PostgreSQL requires.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface LocalCluster {
  /** A database on the cluster, for DATABASE_URL. */
  url: string;
  /** Fast shutdown: open connections are terminated. Asynchronous, so load keeps running meanwhile. */
  stop(): Promise<void>;
  start(): Promise<void>;
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
  const command = (tool: string, args: string[]): [string, string[]] => {
    const cmd = path.join(bin, tool);
    return asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  };
  const ctlArgs = (action: string[]) => ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses='' -c fsync=off`, ...action];
  const pgCtl = async (action: string[]) => void (await promisify(execFile)(...command('pg_ctl', ctlArgs(action)), { cwd: dir }));
  execFileSync(...command('initdb', ['-D', data, '--auth=trust', '--username=root', '--no-sync', '--no-instructions']), { stdio: 'pipe', cwd: dir });
  await pgCtl(['start']);
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
        execFileSync(...command('pg_ctl', ctlArgs(['stop', '-m', 'immediate'])), { stdio: 'pipe', cwd: dir });
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
