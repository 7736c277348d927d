import { describe, expect, it } from 'vitest';
import { createBatcher, type Settled } from './batcher';

/** A batcher whose batches finish when the test says so, with a log of what happened. */
function controlled(opts: { concurrency?: number; fill?: boolean; gather?: boolean } = {}) {
  const log: string[] = [];
  const finish: ((results: Settled<string>[] | Error) => void)[] = [];
  const call = createBatcher<string, string>(
    (items) => {
      log.push(`run ${items.join(',')}`);
      return new Promise((resolve, reject) => finish.push((r) => (r instanceof Error ? reject(r) : resolve(r))));
    },
    { maxBatch: 3, ...opts },
  );
  const submit = (item: string) =>
    call(item).then(
      (v) => void log.push(`resumed ${v}`),
      (e: Error) => void log.push(`failed ${item}: ${e.message}`),
    );
  const ok = (...values: string[]) => values.map((value) => ({ ok: true as const, value }));
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  return { log, finish, submit, ok, settle, nextTurn };
}

describe('group execution', () => {
  it('runs a lone call at once and groups the calls that arrive meanwhile, up to the maximum', async () => {
    const b = controlled();
    const done = [b.submit('a'), b.submit('b'), b.submit('c'), b.submit('d'), b.submit('e')];
    expect(b.log).toEqual(['run a']);
    b.finish[0]!(b.ok('A'));
    await b.settle();
    b.finish[1]!(b.ok('B', 'C', 'D'));
    await b.settle();
    b.finish[2]!(b.ok('E'));
    await Promise.all(done);
    expect(b.log).toEqual(['run a', 'run b,c,d', 'resumed A', 'run e', 'resumed B', 'resumed C', 'resumed D', 'resumed E']);
  });

  it('starts the next batch before the callers of the last one resume', async () => {
    const b = controlled();
    const done = [b.submit('a'), b.submit('b')];
    b.finish[0]!(b.ok('A'));
    await b.settle();
    expect(b.log.indexOf('run b')).toBeLessThan(b.log.indexOf('resumed A'));
    b.finish[1]!(b.ok('B'));
    await Promise.all(done);
  });

  it('fails every call of a batch that throws, and goes on with the next', async () => {
    const b = controlled();
    const done = [b.submit('a'), b.submit('b'), b.submit('c')];
    b.finish[0]!(new Error('boom'));
    await b.settle();
    b.finish[1]!([{ ok: false, error: new Error('refused') }]);
    await Promise.all(done);
    expect(b.log).toEqual(['run a', 'run b,c', 'failed a: boom', 'failed b: refused', 'failed c: batch returned no result for an item']);
  });

  it('with a concurrency of two, starts a second batch at once beside the first', async () => {
    const b = controlled({ concurrency: 2 });
    const done = [b.submit('a'), b.submit('b'), b.submit('c'), b.submit('d')];
    expect(b.log).toEqual(['run a', 'run b']);
    b.finish[1]!(b.ok('B')); // batches may end in any order
    await b.settle();
    expect(b.log).toEqual(['run a', 'run b', 'run c,d', 'resumed B']);
    b.finish[0]!(b.ok('A'));
    b.finish[2]!(b.ok('C', 'D'));
    await Promise.all(done);
  });

  it('with fill, starts a second batch only once it would be as large as the oldest running one', async () => {
    const b = controlled({ concurrency: 2, fill: true });
    const runs = () => b.log.filter((l) => l.startsWith('run'));
    const done = [b.submit('a'), b.submit('b')];
    expect(runs()).toEqual(['run a', 'run b']); // as large as a's batch of one
    done.push(b.submit('c'), b.submit('d'), b.submit('e'));
    expect(runs()).toHaveLength(2); // two running: c, d and e wait
    b.finish[0]!(b.ok('A'));
    await b.settle();
    expect(runs()).toEqual(['run a', 'run b', 'run c,d,e']);
    done.push(b.submit('f'), b.submit('g'));
    b.finish[1]!(b.ok('B'));
    await b.settle();
    expect(runs()).toHaveLength(3); // f and g are fewer than the three running
    done.push(b.submit('h'));
    expect(runs()).toEqual(['run a', 'run b', 'run c,d,e', 'run f,g,h']);
    b.finish[2]!(b.ok('C', 'D', 'E'));
    b.finish[3]!(b.ok('F', 'G', 'H'));
    await Promise.all(done);
  });

  it('with gather, starts a batch on the next turn with every call made in this one', async () => {
    const b = controlled({ gather: true });
    const done = [b.submit('a'), b.submit('b')];
    await b.settle();
    expect(b.log).toEqual([]);
    done.push(b.submit('c'), b.submit('d'));
    await b.nextTurn();
    expect(b.log).toEqual(['run a,b,c']); // up to the maximum
    b.finish[0]!(b.ok('A', 'B', 'C'));
    await b.settle();
    expect(b.log).toEqual(['run a,b,c', 'resumed A', 'resumed B', 'resumed C']); // d waits for the next turn
    await b.nextTurn();
    expect(b.log.at(-1)).toBe('run d');
    b.finish[1]!(b.ok('D'));
    await Promise.all(done);
  });

  it('with gather, groups the calls of a turn even when each batch ends at once (a database in this process)', async () => {
    const batchSizes = async (gather: boolean) => {
      const sizes: number[] = [];
      const call = createBatcher<number, number>(
        async (items) => {
          sizes.push(items.length);
          return items.map((value) => ({ ok: true as const, value }));
        },
        { maxBatch: 100, gather },
      );
      // Like exchanges resumed one after another in one turn, each calling after its own work.
      const callers = Array.from({ length: 5 }, (_, i) => new Promise<number>((resolve) => setImmediate(() => resolve(call(i)))));
      expect(await Promise.all(callers)).toEqual([0, 1, 2, 3, 4]);
      return sizes;
    };
    expect(await batchSizes(false)).toEqual([1, 1, 1, 1, 1]);
    expect(await batchSizes(true)).toEqual([5]);
  });
});
