// Group execution: calls that arrive while a batch is running are collected and run together
// in the next one. A call that finds the batcher idle runs at once, alone: nobody ever waits
// for company, only for the batch in front of it. The next batch starts as soon as one ends,
// before that one's callers resume.
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

export function createBatcher<T, R>(run: (items: T[]) => Promise<Settled<R>[]>, opts: { maxBatch: number; concurrency?: number; onIdle?: () => void }) {
  const queue: { item: T; resolve(v: R): void; reject(e: unknown): void }[] = [];
  const concurrency = opts.concurrency ?? 1;
  let running = 0;

  async function drain() {
    running++;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, opts.maxBatch);
        let results: Settled<R>[];
        try {
          results = await run(batch.map((b) => b.item));
        } catch (error) {
          results = batch.map(() => ({ ok: false as const, error }));
        }
        batch.forEach((b, i) => {
          const r = results[i] ?? { ok: false as const, error: new Error('batch returned no result for an item') };
          if (r.ok) b.resolve(r.value);
          else b.reject(r.error);
        });
      }
    } finally {
      if (--running === 0 && queue.length === 0) opts.onIdle?.();
    }
  }

  return (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (running < concurrency) void drain();
    });
}
