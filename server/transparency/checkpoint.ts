/** C2SP tlog-checkpoint note text: origin, tree size, root hash, optional extension lines. Isomorphic. */
import { decodeBase64, encodeBase64 } from './base64';
import { HASH_SIZE, type Hash } from './merkle';
import type { Parsed } from './note';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
  /** The root as it appears on the third line. */
  rootBase64: string;
  extensions: string[];
  /** The note text these fields came from, final newline included. */
  text: string;
}

export function formatCheckpoint(origin: string, size: number, root: Hash): string {
  return `${origin}\n${size}\n${encodeBase64(root)}\n`;
}

export function parseCheckpoint(text: string): Parsed<Checkpoint> {
  if (typeof text !== 'string' || !text.endsWith('\n')) return { ok: false, reason: 'checkpoint text does not end with a newline' };
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return { ok: false, reason: `checkpoint has ${lines.length} line(s); it needs origin, size and root hash` };
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') return { ok: false, reason: 'checkpoint origin (line 1) is empty' };
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) return { ok: false, reason: `checkpoint tree size (line 2) ${JSON.stringify(sizeLine)} is not a decimal without leading zeros` };
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) return { ok: false, reason: `checkpoint tree size ${sizeLine} is beyond 2^53` };
  const root = decodeBase64(rootLine);
  if (!root || root.length !== HASH_SIZE) return { ok: false, reason: `checkpoint root hash (line 3) ${JSON.stringify(rootLine)} is not base64 of ${HASH_SIZE} bytes` };
  const empty = extensions.findIndex((line) => line === '');
  if (empty !== -1) return { ok: false, reason: `checkpoint extension line ${empty + 4} is empty` };
  return { ok: true, value: { origin, size, root, rootBase64: rootLine, extensions, text } };
}
