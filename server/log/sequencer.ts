// The sequencer: off the exchange's hot path, it gives the receipts waiting in log_pending their
// leaves, grows the tiles, checks the new tree consistent with the last checkpoint and signs
// the new checkpoint, all in one transaction, so a crash anywhere leaves either the whole batch
// or none of it. One instance at a time sequences: the transaction takes an advisory lock first
// (an instance that cannot get it does nothing) and builds on the head it then reads, reusing
// the tree kept in memory only if the log still ends where this instance left it.
import { getDatabase } from '../db';
import { logIntegrationSeconds, logSize } from '../metrics/registry';
import { formatCheckpoint } from '../transparency/checkpoint';
import { consistencyProof, receiptLeafHash, rootHash, verifyConsistency, type Hash, type NodeSource } from '../transparency/merkle';
import { signNote } from '../transparency/note';
import type { SqlQueryable } from '../db/sql';
import type { LogIdentity } from './key';
import { anyPending, readTiles, takeBatch, writeCheckpoint, type StoredCheckpoint, type TakenEntry } from './repository';
import { rightEdgeTiles, tileKey, tilesNeeded, TileSet, TreeBuilder } from './tiles';

type Outcome = { kind: 'committed'; checkpoint: StoredCheckpoint; entries: TakenEntry[] } | { kind: 'empty' | 'locked' };

export interface SequencerOptions {
  /** Most entries per batch (and per checkpoint). */
  batchSize?: number;
  /** Pause between batches when the last one was not full. */
  intervalMs?: number;
  /** Called after each committed batch with the new checkpoint. */
  onCheckpoint?: (checkpoint: StoredCheckpoint) => void;
}

export interface BatchResult {
  /** False when this call sequenced nothing: nothing waited, or another instance holds the lock. */
  leader: boolean;
  sequenced: number;
  size: number;
}

export class Sequencer {
  private builder: TreeBuilder | null = null;
  // The head this instance last saw under the lock; the builder is kept only while the log
  // still ends there (another instance may have extended it since).
  private last: { size: number; root: Hash } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  // The last batch found the queue empty: look before opening a transaction.
  private idle = true;
  private stopped = true;
  readonly batchSize: number;
  readonly intervalMs: number;

  constructor(
    private readonly log: LogIdentity,
    private readonly opts: SequencerOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 4096;
    // On PGlite each batch costs the exchanges a fixed share of the one database thread (its
    // statements and commit, whatever its size): 500 ms rather than 200 ms makes batches under
    // load about 2.5 times larger and as much rarer, within the "at least every second"
    // and with half the p95 ≤ 1 s integration budget to spare.
    this.intervalMs = opts.intervalMs ?? 500;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Waits for the batch under way, then stops. */
  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runBatch().then(
        (r) => this.schedule(r.sequenced === this.batchSize ? 0 : this.intervalMs),
        (err: unknown) => {
          console.error('[signet] log sequencer:', err instanceof Error ? err.message : err);
          this.schedule(this.intervalMs * 5);
        },
      );
    }, ms);
  }

  /**
   * One batch: sequence what waits (up to batchSize) and sign a checkpoint for it, in one
   * transaction: signet_log_take takes the sequencer lock and gives the waiting entries their
   * leaves; the tree grows in memory, the new head is proven consistent with the last and
   * signed; signet_log_write stores the tiles and the checkpoint. Hashing and signing between
   * the two are synchronous, so on PGlite the exchanges, which share the thread, lose nothing
   * by the transaction being open meanwhile.
   */
  async runBatch(): Promise<BatchResult> {
    // Idle: one cheap look at the queue rather than a transaction every interval.
    if (this.idle && !(await anyPending())) return { leader: false, sequenced: 0, size: this.last?.size ?? 0 };
    try {
      const outcome = await getDatabase().sql.transaction(async (tx): Promise<Outcome> => {
        const taken = await takeBatch(tx, this.batchSize);
        if (!taken.locked) return { kind: 'locked' };
        // Read under the lock: the head cannot move until this transaction ends. The tree in
        // memory is used only if it ends there (another instance may have extended the log).
        const { head: last, entries } = taken;
        this.last = last;
        if (entries.length === 0) return { kind: 'empty' };
        const builder = await this.builderAt(last.size, tx);
        for (const e of entries) builder.append(receiptLeafHash(e.receiptHash));
        const size = builder.size;
        const { root, proof } = await compute(builder.tiles, tx, (src) => ({ root: rootHash(src, size), proof: consistencyProof(src, last.size, size) }));
        // Never sign a head that does not extend the last one.
        const consistent = verifyConsistency(last.size, size, proof, last.root, root);
        if (!consistent.ok) {
          throw new Error(`refusing to sign: the tree of size ${size} is not consistent with the checkpoint of size ${last.size}: ${consistent.reason}`);
        }
        const note = signNote(formatCheckpoint(this.log.origin, size, root), this.log.signer);
        await writeCheckpoint(tx, { tiles: builder.takeDirty(), size, root, note });
        return { kind: 'committed', checkpoint: { size, root, note, signedAt: new Date() }, entries };
      });
      if (outcome.kind === 'committed') {
        this.idle = false;
        this.last = { size: outcome.checkpoint.size, root: outcome.checkpoint.root };
        this.published(outcome.checkpoint, outcome.entries);
        return { leader: true, sequenced: outcome.entries.length, size: outcome.checkpoint.size };
      }
      this.idle = outcome.kind === 'empty';
      return { leader: false, sequenced: 0, size: this.last?.size ?? 0 };
    } catch (err) {
      // What is in memory may be ahead of what committed: rebuild from the database next time.
      this.builder = null;
      this.last = null;
      throw err;
    } finally {
      this.prune();
    }
  }

  private published(checkpoint: StoredCheckpoint, entries: TakenEntry[]) {
    const now = Date.now();
    for (const e of entries) logIntegrationSeconds.observe(Math.max(0, (now - e.committedMs) / 1000));
    logSize.set(checkpoint.size);
    this.opts.onCheckpoint?.(checkpoint);
  }

  /** The tree's right edge at `size`, from memory when this instance sequenced last. */
  private async builderAt(size: number, q: SqlQueryable): Promise<TreeBuilder> {
    if (this.builder?.size === size) return this.builder;
    const tiles = new TileSet();
    for (const [key, hashes] of await readTiles(rightEdgeTiles(size), q)) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      tiles.set(level, index, hashes);
    }
    this.builder = new TreeBuilder(tiles, size);
    return this.builder;
  }

  /** Keeps only the right edge in memory; older full tiles are read again when a proof needs them. */
  private prune() {
    if (!this.builder) return;
    const keep = new Set(rightEdgeTiles(this.builder.size).map((t) => tileKey(t.level, t.index)));
    for (const key of [...this.builder.tiles.tiles.keys()]) if (!keep.has(key)) this.builder.tiles.delete(key);
  }
}

/** Runs `fn` over `tiles`, first loading from the database the tiles it needs and lacks. */
async function compute<T>(tiles: TileSet, q: SqlQueryable, fn: (src: NodeSource) => T): Promise<T> {
  const missing = tilesNeeded(fn).filter((t) => !tiles.get(t.level, t.index));
  for (const [key, hashes] of await readTiles(missing, q)) {
    const [level, index] = key.split('/').map(Number) as [number, number];
    tiles.set(level, index, hashes);
  }
  return fn(tiles);
}
