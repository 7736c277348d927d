// What the log serves (SPEC §7): the newest checkpoint with its cosignatures, the vkey, tiles
// and entry bundles, inclusion and consistency proofs (built from the stored tiles), and the
// `log` field of export bundles.
import { getDatabase } from '../db';
import type { BundleLog } from '../receipts/types';
import { encodeBase64 } from '../transparency/base64';
import { HASH_SIZE, consistencyProof, inclusionProof, type Hash, type NodeSource } from '../transparency/merkle';
import { formatVerifierKey, SIG_ED25519 } from '../transparency/note';
import { TILE_WIDTH, tileWidth, type TileAddress } from '../transparency/tiles';
import { AppError } from '../errors';
import {
  checkpointOfSize,
  cosignatureLines,
  entriesInRange,
  latestCheckpoint,
  leafIndexes,
  logPublicKey,
  readTiles,
  type StoredCheckpoint,
} from './repository';
import { FULL_TILE_BYTES, tileKey, tilesNeeded, TileSet } from './tiles';

// Full tiles never change, so each is read once (8 KiB each; 2,048 of them is 16 MiB), per
// database (tests open several in one process).
const FULL_TILE_CACHE = 2048;
const caches = new WeakMap<object, Map<string, Uint8Array>>();

async function tileSetFor(compute: (src: NodeSource) => unknown): Promise<TileSet> {
  const db = getDatabase();
  const fullTiles = caches.get(db) ?? new Map<string, Uint8Array>();
  caches.set(db, fullTiles);
  const set = new TileSet();
  const missing: { level: number; index: number }[] = [];
  for (const t of tilesNeeded(compute)) {
    const cached = fullTiles.get(tileKey(t.level, t.index));
    if (cached) set.set(t.level, t.index, cached);
    else missing.push(t);
  }
  for (const [key, hashes] of await readTiles(missing)) {
    const [level, index] = key.split('/').map(Number) as [number, number];
    set.set(level, index, hashes);
    if (hashes.length === FULL_TILE_BYTES) {
      if (fullTiles.size >= FULL_TILE_CACHE) fullTiles.delete(fullTiles.keys().next().value!);
      fullTiles.set(key, hashes);
    }
  }
  return set;
}

/** Runs a proof computation over the stored tiles. */
async function overTiles<T>(compute: (src: NodeSource) => T): Promise<T> {
  return compute(await tileSetFor(compute));
}

const b64 = (h: Hash) => encodeBase64(h);

async function newest(): Promise<StoredCheckpoint> {
  const cp = await latestCheckpoint();
  if (!cp) throw new AppError('LOG_NOT_STARTED', 'the log has no checkpoint yet');
  return cp;
}

/** The signed checkpoint with every cosignature collected for it so far. */
export async function withCosignatures(cp: StoredCheckpoint): Promise<string> {
  return cp.note + (await cosignatureLines(cp.size)).join('');
}

export async function servedCheckpoint(): Promise<string> {
  return withCosignatures(await newest());
}

export async function logVkey(): Promise<string> {
  const key = await logPublicKey();
  if (!key) throw new AppError('LOG_NOT_STARTED', 'the log has no key yet');
  return formatVerifierKey(key.origin, SIG_ED25519, key.publicKey);
}

/** A hash tile or entry bundle; 404 for one beyond the tree (or wider than it has grown). */
export async function tileBytes(at: TileAddress): Promise<Uint8Array> {
  const { size } = await newest();
  const width = at.width ?? TILE_WIDTH;
  const level = at.level === 'entries' ? 0 : at.level;
  if (tileWidth(level, at.index, size) < width) throw new AppError('LOG_TILE_NOT_FOUND', `no tile ${at.level}/${at.index} of width ${width} in the tree of size ${size}`);
  if (at.level === 'entries') {
    const entries = await entriesInRange(at.index * TILE_WIDTH, at.index * TILE_WIDTH + width);
    const parts = entries.flatMap((e) => {
      const bytes = Buffer.from(e, 'utf8');
      const len = Buffer.alloc(2);
      len.writeUInt16BE(bytes.length);
      return [len, bytes];
    });
    return new Uint8Array(Buffer.concat(parts));
  }
  const stored = (await readTiles([{ level: at.level, index: at.index }])).get(tileKey(at.level, at.index));
  if (!stored || stored.length < width * HASH_SIZE) throw new AppError('LOG_TILE_NOT_FOUND', `tile ${at.level}/${at.index} is not stored`);
  return stored.subarray(0, width * HASH_SIZE);
}

export interface InclusionAnswer {
  leaf_index: number;
  tree_size: number;
  hashes: string[];
  checkpoint: string;
}

export async function inclusion(receiptHash: string, treeSize?: number): Promise<InclusionAnswer> {
  const index = (await leafIndexes([receiptHash])).get(receiptHash);
  if (index === undefined) throw new AppError('LOG_ENTRY_NOT_FOUND', `receipt ${receiptHash} is not in the log (yet)`);
  const cp = treeSize === undefined ? await newest() : await checkpointOfSize(treeSize);
  if (!cp) throw new AppError('LOG_CHECKPOINT_NOT_FOUND', `the log never signed a checkpoint of size ${treeSize}`);
  if (index >= cp.size) throw new AppError('LOG_ENTRY_NOT_FOUND', `receipt ${receiptHash} is at index ${index}, beyond the checkpoint of size ${cp.size}`);
  const hashes = await overTiles((src) => inclusionProof(src, index, cp.size));
  return { leaf_index: index, tree_size: cp.size, hashes: hashes.map(b64), checkpoint: await withCosignatures(cp) };
}

export async function consistency(from: number, to: number): Promise<{ from: number; to: number; hashes: string[] }> {
  if (from > to) throw new AppError('INVALID_REQUEST', `from (${from}) must not be greater than to (${to})`);
  const { size } = await newest();
  if (to > size) throw new AppError('LOG_CHECKPOINT_NOT_FOUND', `the log has ${size} entries; no tree of size ${to}`);
  const hashes = await overTiles((src) => consistencyProof(src, from, to));
  return { from, to, hashes: hashes.map(b64) };
}

/** The `log` field of an export bundle: the newest checkpoint and each sequenced hop's proof. */
export async function bundleLog(chain: { hop: number; receipt_hash: string }[]): Promise<BundleLog | null> {
  const cp = await latestCheckpoint();
  if (!cp) return null;
  const indexes = await leafIndexes(chain.map((r) => r.receipt_hash));
  const hops = chain.flatMap((r) => {
    const index = indexes.get(r.receipt_hash);
    return index !== undefined && index < cp.size ? [{ hop: r.hop, index }] : [];
  });
  const paths = await overTiles((src) => hops.map((h) => inclusionProof(src, h.index, cp.size)));
  return {
    checkpoint: await withCosignatures(cp),
    proofs: hops.map((h, i) => ({ hop: h.hop, leaf_index: h.index, hashes: paths[i]!.map(b64) })),
  };
}
