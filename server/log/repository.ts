// The transparency log's tables: leaves, tiles, checkpoints, cosignatures, the pending queue.
import { getDatabase } from '../db';
import type { SqlQueryable } from '../db/sql';
import type { Hash } from '../transparency/merkle';
import { tileKey } from './tiles';

export interface StoredCheckpoint {
  size: number;
  root: Hash;
  /** The signed note with the log's signature only. */
  note: string;
  signedAt: Date;
}

type CheckpointRow = { size: string; root_hash: Uint8Array; note: string; signed_at: Date };
const toCheckpoint = (r: CheckpointRow): StoredCheckpoint => ({ size: Number(r.size), root: new Uint8Array(r.root_hash), note: r.note, signedAt: new Date(r.signed_at) });

const db = (q?: SqlQueryable) => q ?? getDatabase().sql;

export async function latestCheckpoint(q?: SqlQueryable): Promise<StoredCheckpoint | null> {
  const rows = await db(q).query<CheckpointRow>('SELECT size::text AS size, root_hash, note, signed_at FROM log_checkpoints c ORDER BY c.size DESC LIMIT 1');
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

export async function checkpointOfSize(size: number): Promise<StoredCheckpoint | null> {
  const rows = await db().query<CheckpointRow>('SELECT size::text AS size, root_hash, note, signed_at FROM log_checkpoints WHERE size = $1', [size]);
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

/** Stored tiles by `level/index` (each as far as it has grown). */
export async function readTiles(keys: { level: number; index: number }[], q?: SqlQueryable): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  if (keys.length === 0) return out;
  const rows = await db(q).query<{ level: number; idx: string; hashes: Uint8Array }>(
    'SELECT t.level, t.idx::text AS idx, t.hashes FROM log_tiles t JOIN unnest($1::int[], $2::bigint[]) AS k(level, idx) ON t.level = k.level AND t.idx = k.idx',
    [keys.map((k) => k.level), keys.map((k) => String(k.index))],
  );
  for (const r of rows) out.set(tileKey(r.level, Number(r.idx)), new Uint8Array(r.hashes));
  return out;
}

export interface TakenEntry {
  receiptHash: string;
  /** When its receipt committed, in milliseconds since the epoch. */
  committedMs: number;
}

/** Whether any receipt waits for a leaf (a look before opening a transaction when idle). */
export async function anyPending(): Promise<boolean> {
  const [row] = await db().query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM log_pending) AS any');
  return row!.any;
}

/**
 * Takes the sequencer lock and, if it got it, the oldest `limit` queued entries off the queue,
 * giving them leaves from the log's size on in receipt order (signet_log_take, in the caller's
 * transaction). Returns the log's head as it was, and the entries in leaf order.
 */
export async function takeBatch(q: SqlQueryable, limit: number): Promise<{ locked: false } | { locked: true; head: { size: number; root: Hash }; entries: TakenEntry[] }> {
  const [row] = await q.query<{ locked: boolean; head_size: string; head_root: Uint8Array; entries: number; hashes: string; committed_ms: string }>(
    'SELECT locked, head_size::text AS head_size, head_root, entries, hashes, committed_ms FROM signet_log_take($1)',
    [limit],
  );
  if (!row!.locked) return { locked: false };
  const head = { size: Number(row!.head_size), root: new Uint8Array(row!.head_root) };
  if (row!.entries === 0) return { locked: true, head, entries: [] };
  const hashes = row!.hashes.split(' ');
  const ms = row!.committed_ms.split(' ');
  // A receipt hash is `sha256:` and hex; one holding a space would shift every leaf after it.
  if (hashes.length !== row!.entries) throw new Error('a queued receipt hash holds a space');
  return { locked: true, head, entries: hashes.map((receiptHash, i) => ({ receiptHash, committedMs: Number(ms[i]) })) };
}

/** The batch's grown tiles and its checkpoint (signet_log_write, in the sequencer's transaction). */
export async function writeCheckpoint(q: SqlQueryable, batch: { tiles: { level: number; index: number; hashes: Uint8Array }[]; size: number; root: Hash; note: string }) {
  await q.query('SELECT signet_log_write($1::int[], $2::bigint[], $3::text[], $4::bigint, $5::text, $6::text)', [
    batch.tiles.map((t) => t.level),
    batch.tiles.map((t) => String(t.index)),
    batch.tiles.map((t) => Buffer.from(t.hashes).toString('hex')),
    batch.size,
    Buffer.from(batch.root).toString('hex'),
    batch.note,
  ]);
}

/** Leaf index by receipt_hash, for those sequenced. */
export async function leafIndexes(receiptHashes: string[]): Promise<Map<string, number>> {
  if (receiptHashes.length === 0) return new Map();
  const rows = await db().query<{ receipt_hash: string; leaf_index: string }>(
    'SELECT receipt_hash, leaf_index::text AS leaf_index FROM log_leaves WHERE receipt_hash = ANY($1::text[])',
    [receiptHashes],
  );
  return new Map(rows.map((r) => [r.receipt_hash, Number(r.leaf_index)]));
}

export async function entriesInRange(start: number, end: number): Promise<string[]> {
  const rows = await db().query<{ receipt_hash: string }>('SELECT receipt_hash FROM log_leaves WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY log_leaves.leaf_index', [start, end]);
  return rows.map((r) => r.receipt_hash);
}

export async function cosignatureLines(size: number): Promise<string[]> {
  const rows = await db().query<{ line: string }>('SELECT line FROM log_cosignatures WHERE size = $1 ORDER BY witness', [size]);
  return rows.map((r) => r.line);
}

export async function saveCosignature(size: number, witness: string, line: string) {
  await db().query('INSERT INTO log_cosignatures (size, witness, line) VALUES ($1, $2, $3) ON CONFLICT (size, witness) DO NOTHING', [size, witness, line]);
}

/** The largest size `witness` cosigned (0 when none). */
export async function lastCosignedSize(witness: string): Promise<number> {
  const rows = await db().query<{ size: string | null }>('SELECT max(size)::text AS size FROM log_cosignatures WHERE witness = $1', [witness]);
  return Number(rows[0]?.size ?? 0);
}

export async function logPublicKey(): Promise<{ origin: string; publicKey: Uint8Array } | null> {
  const rows = await db().query<{ origin: string; public_key: string }>('SELECT origin, public_key FROM log_keys WHERE id = 1');
  return rows[0] ? { origin: rows[0].origin, publicKey: new Uint8Array(Buffer.from(rows[0].public_key, 'base64')) } : null;
}
