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

export interface PendingEntry {
  receiptId: string;
  receiptHash: string;
  /** When its receipt committed, in milliseconds since the epoch. */
  committedMs: number;
}

/** The oldest `limit` queued entries, in receipt order (read only: appendBatch takes them). */
export async function readPending(limit: number): Promise<PendingEntry[]> {
  const rows = await db().query<{ receipt_id: string; receipt_hash: string; ms: number }>(
    `SELECT receipt_id::text AS receipt_id, receipt_hash, (extract(epoch FROM committed_at) * 1000)::float8 AS ms
       FROM log_pending p ORDER BY p.receipt_id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ receiptId: r.receipt_id, receiptHash: r.receipt_hash, committedMs: r.ms }));
}

/**
 * One batch's writes in one statement (on PGlite every statement of the sequencer's transaction
 * is a turn the exchanges wait for), run after the caller took the sequencer lock: if the log
 * still ends at `firstIndex` (else another instance sequenced since the batch was built, and
 * nothing is written), the entries taken off the queue, their leaves from `firstIndex` on in
 * receipt order (the order they were hashed in), the grown tiles and the new checkpoint.
 * `taken` below the number of entries means another instance took some: the caller must roll
 * back.
 */
export async function appendBatch(
  q: SqlQueryable,
  batch: { firstIndex: number; entries: PendingEntry[]; tiles: { level: number; index: number; hashes: Uint8Array }[]; size: number; root: Hash; note: string },
): Promise<{ moved: boolean; taken: number }> {
  // Every part of the statement sees the log as it was when the statement began (after the lock).
  const [row] = await q.query<{ moved: boolean; taken: number }>(
    `WITH head AS (
       SELECT (max(size) = $2::bigint) IS TRUE AS ok FROM log_checkpoints),
     taken AS (
       DELETE FROM log_pending WHERE receipt_id = ANY($1::bigint[]) AND (SELECT ok FROM head) RETURNING receipt_id, receipt_hash),
     leaves AS (
       INSERT INTO log_leaves (leaf_index, receipt_hash)
         SELECT $2::bigint + row_number() OVER (ORDER BY receipt_id) - 1, receipt_hash FROM taken),
     tiles AS (
       INSERT INTO log_tiles (level, idx, hashes)
         SELECT level, idx, decode(hex, 'hex') FROM unnest($3::int[], $4::bigint[], $5::text[]) AS t(level, idx, hex) WHERE (SELECT ok FROM head)
       ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes),
     checkpoint AS (
       INSERT INTO log_checkpoints (size, root_hash, note) SELECT $6::bigint, decode($7::text, 'hex'), $8::text WHERE (SELECT ok FROM head))
     SELECT NOT (SELECT ok FROM head) AS moved, (SELECT count(*) FROM taken)::int AS taken`,
    [
      batch.entries.map((e) => e.receiptId),
      batch.firstIndex,
      batch.tiles.map((t) => t.level),
      batch.tiles.map((t) => String(t.index)),
      batch.tiles.map((t) => Buffer.from(t.hashes).toString('hex')),
      batch.size,
      Buffer.from(batch.root).toString('hex'),
      batch.note,
    ],
  );
  return row!;
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
