// The sequencer: off the exchange's hot path, it gives the receipts waiting in log_pending their
// leaves, grows the tiles, checks the new tree consistent with the last checkpoint and signs
// the new checkpoint. The batch is computed first and written in one transaction, so a crash
// anywhere leaves either the whole batch or none of it. One instance at a time sequences: the
// write takes a transaction-scoped advisory lock and checks the log has not moved since the
// batch was built; an instance that cannot get the lock, or finds it moved, drops the batch.
import { getDatabase } from '../db';
import { logIntegrationSeconds, logSize } from '../metrics/registry';
import { formatCheckpoint } from '../transparency/checkpoint';
import { consistencyProof, receiptLeafHash, rootHash, verifyConsistency, type Hash, type NodeSource } from '../transparency/merkle';
import { signNote } from '../transparency/note';
import type { LogIdentity } from './key';
import { appendBatch, latestCheckpoint, readPending, readTiles, type PendingEntry, type StoredCheckpoint } from './repository';
import { rightEdgeTiles, tileKey, tilesNeeded, TileSet, TreeBuilder } from './tiles';

const LOCK = 0x5167_6e73; // "Sgns"

export interface SequencerOptions {
  /** Most entries per batch (and per checkpoint). */
  batchSize?: number;
  /** Pause between batches when the last one was not full. */
  intervalMs?: number;
  /** Called after each committed batch with the new checkpoint. */
  onCheckpoint?: (checkpoint: StoredCheckpoint) => void;
}

export interface BatchResult {
  /** False when this call took no lock: nothing waited, or another instance holds it. */
  leader: boolean;
  sequenced: number;
  size: number;
}

export class Sequencer {
  private builder: TreeBuilder | null = null;
  // The checkpoint this instance committed last: the next batch extends it without reading it
  // back (appendBatch refuses to write if another instance has moved the log since).
  private last: { size: number; root: Hash } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
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
   * One batch: sequence what waits (up to batchSize) and sign a checkpoint for it. The entries
   * are read, hashed into the tree, proven consistent and signed before the transaction, which
   * then only locks, checks that the log is still where the batch was built on, and writes in
   * one statement: on PGlite a transaction holds the one database thread, and the exchanges
   * wait for it.
   */
  async runBatch(): Promise<BatchResult> {
    const cached = this.last !== null;
    // The checkpoint before the queue: entries another instance sequences after this read
    // move the log past it, which the write sees (read the other way round, the queue could be
    // older than the checkpoint, and the batch would hold entries already in it).
    const last = this.last ?? (await latestCheckpoint());
    const pending = await readPending(this.batchSize);
    if (pending.length === 0) return { leader: false, sequenced: 0, size: this.builder?.size ?? 0 };
    try {
      if (!last) throw new Error('the log has no checkpoint: ensureLogKey was not run');
      const builder = await this.builderAt(last.size);
      for (const p of pending) builder.append(receiptLeafHash(p.receiptHash));
      const size = builder.size;
      const { root, proof } = await compute(builder.tiles, (src) => ({ root: rootHash(src, size), proof: consistencyProof(src, last.size, size) }));
      // Never sign a head that does not extend the last one.
      const consistent = verifyConsistency(last.size, size, proof, last.root, root);
      if (!consistent.ok) {
        throw new Error(`refusing to sign: the tree of size ${size} is not consistent with the checkpoint of size ${last.size}: ${consistent.reason}`);
      }
      const note = signNote(formatCheckpoint(this.log.origin, size, root), this.log.signer);
      const tiles = builder.takeDirty();
      const outcome = await getDatabase().sql.transaction(async (tx): Promise<'committed' | 'locked' | 'moved'> => {
        const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [LOCK]);
        if (!lock?.ok) return 'locked';
        // After the lock: another instance may have sequenced since this batch was built.
        const { moved, taken } = await appendBatch(tx, { firstIndex: last.size, entries: pending, tiles, size, root, note });
        if (moved) return 'moved';
        if (taken !== pending.length) throw new Error(`${pending.length - taken} of the batch's entries were taken by another sequencer`);
        return 'committed';
      });
      if (outcome !== 'committed') {
        this.builder = null;
        this.last = null;
        // Built on the checkpoint remembered from this instance's last batch, which another has
        // since extended: build again at once on the log as it is now.
        if (outcome === 'moved' && cached) return this.runBatch();
        return { leader: false, sequenced: 0, size: last.size };
      }
      this.last = { size, root };
      this.published({ size, root, note, signedAt: new Date() }, pending);
      return { leader: true, sequenced: pending.length, size };
    } catch (err) {
      // What is in memory may be ahead of what committed: rebuild from the database next time.
      this.builder = null;
      this.last = null;
      throw err;
    } finally {
      this.prune();
    }
  }

  private published(checkpoint: StoredCheckpoint, entries: PendingEntry[]) {
    const now = Date.now();
    for (const e of entries) logIntegrationSeconds.observe(Math.max(0, (now - e.committedMs) / 1000));
    logSize.set(checkpoint.size);
    this.opts.onCheckpoint?.(checkpoint);
  }

  /** The tree's right edge at `size`, from memory when this instance sequenced last. */
  private async builderAt(size: number): Promise<TreeBuilder> {
    if (this.builder?.size === size) return this.builder;
    const tiles = new TileSet();
    for (const [key, hashes] of await readTiles(rightEdgeTiles(size))) {
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
async function compute<T>(tiles: TileSet, fn: (src: NodeSource) => T): Promise<T> {
  const missing = tilesNeeded(fn).filter((t) => !tiles.get(t.level, t.index));
  for (const [key, hashes] of await readTiles(missing)) {
    const [level, index] = key.split('/').map(Number) as [number, number];
    tiles.set(level, index, hashes);
  }
  return fn(tiles);
}
