/** The witness's state in its --data directory: its key and the last cosigned checkpoint per log. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSignerKey, parseSignerKey, SIG_COSIGNATURE_V1, type NoteSigner } from '../transparency/note';
import type { LogState, WitnessStore } from './witness';

const KEY_FILE = 'witness.key';
const STATE_FILE = 'state.json';

/** The witness key in `dir`, created on first start; its name is fixed from then on. */
export function loadOrCreateKey(dir: string, name: string | undefined): NoteSigner {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, KEY_FILE);
  let skey: string;
  try {
    skey = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!name) throw new Error(`${path} does not exist: give --name <name> on the first start`);
    skey = formatSignerKey(name, SIG_COSIGNATURE_V1, new Uint8Array(randomBytes(32)));
    writeFileSync(path, `${skey}\n`, { mode: 0o600, flag: 'wx' });
  }
  const parsed = parseSignerKey(skey);
  if (!parsed.ok) throw new Error(`${path}: ${parsed.reason}`);
  if (parsed.value.type !== SIG_COSIGNATURE_V1) throw new Error(`${path} is not a cosignature/v1 key`);
  if (name && name !== parsed.value.name) throw new Error(`${dir} holds the key of witness ${parsed.value.name}, not ${name}`);
  return parsed.value;
}

export class FileStore implements WitnessStore {
  private readonly state: Record<string, LogState>;
  private readonly path: string;

  constructor(private readonly dir: string) {
    this.path = join(dir, STATE_FILE);
    try {
      this.state = JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, LogState>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${this.path}: ${(error as Error).message}`);
      this.state = {};
    }
  }

  get(origin: string): LogState | undefined {
    return Object.hasOwn(this.state, origin) ? this.state[origin] : undefined;
  }

  /** Write, fsync and rename: a crash leaves the old state or the new one, never a torn file. */
  async put(origin: string, next: LogState): Promise<void> {
    const data = JSON.stringify({ ...this.state, [origin]: next }, null, 2);
    const tmp = `${this.path}.tmp`;
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.path);
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.state[origin] = next;
  }
}
