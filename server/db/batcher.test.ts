import { describe, expect, it } from 'vitest';
import { createBatcher, type Settled } from './batcher';

/** A batcher whose batches finish when the test says so, with a log of what happened. */
function controlled(opts: { onIdle?: () => void } = {}) {
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
  return { log, finish, submit, ok, settle };
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

  it('says when it runs out of work, and only then', async () => {
    let idle = 0;
    const b = controlled({ onIdle: () => idle++ });
    const first = [b.submit('a'), b.submit('b')];
    b.finish[0]!(b.ok('A'));
    await b.settle();
    expect(idle).toBe(0);
    b.finish[1]!(b.ok('B'));
    await Promise.all(first);
    expect(idle).toBe(1);
    const again = b.submit('c');
    b.finish[2]!(b.ok('C'));
    await again;
    expect(idle).toBe(2);
  });
});
