// Group execution: calls that arrive while a batch is running are collected and run together
// in the next one. A call that finds the batcher idle runs at once, alone: nobody ever waits
// for company, only for the batch in front of it. The next batch starts as soon as one ends,
// before that one's callers resume.
//
// With `concurrency` above one, further batches may run alongside; with `fill`, such a batch
// starts only once as many calls wait as the oldest running batch carries, so batches stay as
// large as they were (for a connection that pipelines statements: the next group is already
// queued on the server when the one before it commits).
//
// With `gather`, batches start on the event loop's next turn instead of at once, so every
// call made in this turn joins the batch; a lone call waits for the turn to end, not for
// company. That is for a database that runs in this process (PGlite): a batch started at once
// runs to its end on this thread before the callers queued behind it in the same turn have
// made their calls, so every batch would carry one call.
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface BatcherOptions {
  maxBatch: number;
  /** Batches running at once (default 1). */
  concurrency?: number;
  fill?: boolean;
  gather?: boolean;
}

export function createBatcher<T, R>(run: (items: T[]) => Promise<Settled<R>[]>, opts: BatcherOptions) {
  type Entry = { item: T; resolve(v: R): void; reject(e: unknown): void };
  const queue: Entry[] = [];
  const running: Entry[][] = [];
  const concurrency = opts.concurrency ?? 1;
  let turnScheduled = false;

  function mayStart(): boolean {
    if (queue.length === 0) return false;
    if (running.length === 0) return true;
    return running.length < concurrency && (!opts.fill || queue.length >= running[0]!.length);
  }

  function pump() {
    if (!opts.gather) return startReady();
    if (turnScheduled || !mayStart()) return;
    turnScheduled = true;
    setImmediate(() => {
      turnScheduled = false;
      startReady();
    });
  }

  function startReady() {
    while (mayStart()) void launch(queue.splice(0, opts.maxBatch));
  }

  async function launch(batch: Entry[]) {
    running.push(batch);
    let results: Settled<R>[];
    try {
      results = await run(batch.map((b) => b.item));
    } catch (error) {
      results = batch.map(() => ({ ok: false as const, error }));
    }
    running.splice(running.indexOf(batch), 1);
    pump();
    batch.forEach((b, i) => {
      const r = results[i] ?? { ok: false as const, error: new Error('batch returned no result for an item') };
      if (r.ok) b.resolve(r.value);
      else b.reject(r.error);
    });
  }

  return (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      pump();
    });
}
