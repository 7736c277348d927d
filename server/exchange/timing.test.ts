import { describe, expect, it } from 'vitest';
import { exchangeDuration } from '../metrics/registry';
import { timed } from './timing';

async function count(phase: string): Promise<number> {
  const { values } = await exchangeDuration.get();
  return values.find((v) => v.metricName === 'signet_exchange_duration_seconds_count' && v.labels.phase === phase)?.value ?? 0;
}

describe('timed pipeline phases', () => {
  it('return a synchronous result as it is, recorded at once', async () => {
    const result = timed('test_sync', () => 42);
    expect(result).toBe(42);
    expect(await count('test_sync')).toBe(1);
    expect(() => timed('test_sync', () => { throw new Error('refused'); })).toThrow('refused');
    expect(await count('test_sync')).toBe(2);
  });

  it('record a phase that returns a promise when it settles', async () => {
    let finish!: (v: string) => void;
    const pending = timed('test_async', () => new Promise<string>((resolve) => (finish = resolve)));
    expect(await count('test_async')).toBe(0);
    finish('done');
    expect(await pending).toBe('done');
    expect(await count('test_async')).toBe(1);
    await expect(timed('test_async', () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    expect(await count('test_async')).toBe(2);
  });
});
