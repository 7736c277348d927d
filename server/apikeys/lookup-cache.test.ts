import { describe, expect, it } from 'vitest';
import { LookupCache } from './lookup-cache';

/** A lookup whose answers the test releases by hand, counting the calls. */
function manualLookup() {
  const calls: { key: string; resolve(v: string): void; reject(e: Error): void }[] = [];
  const lookup = (key: string) => new Promise<string>((resolve, reject) => calls.push({ key, resolve, reject }));
  return { lookup, calls };
}

const TTL = 1000;

describe('LookupCache', () => {
  it('shares one lookup among the requests that need it at the same time', async () => {
    const { lookup, calls } = manualLookup();
    const cache = new LookupCache(lookup, TTL);
    const waiting = Array.from({ length: 32 }, () => cache.get('k', 0));
    expect(calls).toHaveLength(1);
    calls[0]!.resolve('v1');
    expect(await Promise.all(waiting)).toEqual(Array(32).fill('v1'));
    expect(await cache.get('k', 10)).toBe('v1');
    expect(calls).toHaveLength(1);
  });

  it('serves a fresh answer, re-reads it in the background past half its TTL, and waits once it expired', async () => {
    const { lookup, calls } = manualLookup();
    const cache = new LookupCache(lookup, TTL);
    const first = cache.get('k', 0);
    calls[0]!.resolve('v1');
    await first;

    expect(await cache.get('k', 499)).toBe('v1');
    expect(calls).toHaveLength(1);
    // Past half the TTL: still served at once, while one background read starts.
    expect(await cache.get('k', 600)).toBe('v1');
    expect(await cache.get('k', 700)).toBe('v1');
    expect(calls).toHaveLength(2);
    calls[1]!.resolve('v2');
    await Promise.resolve();
    expect(await cache.get('k', 800)).toBe('v2');

    // The background answer counts from when its read began (600): expired at 1600.
    const late = cache.get('k', 1600);
    expect(calls).toHaveLength(3);
    let settled = false;
    void late.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    calls[2]!.resolve('v3');
    expect(await late).toBe('v3');
  });

  it('keeps nothing from a failed lookup and lets the next request try again', async () => {
    const { lookup, calls } = manualLookup();
    const cache = new LookupCache(lookup, TTL);
    const failing = cache.get('k', 0);
    calls[0]!.reject(new Error('database down'));
    await expect(failing).rejects.toThrow('database down');
    const retry = cache.get('k', 1);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve('v1');
    expect(await retry).toBe('v1');
  });

  it('after clear(), neither a cached answer nor a lookup already in flight is used', async () => {
    const { lookup, calls } = manualLookup();
    const cache = new LookupCache(lookup, TTL);
    const first = cache.get('k', 0);
    calls[0]!.resolve('active');
    await first;

    const inFlight = cache.get('k', 900); // background read of the old state
    expect(calls).toHaveLength(2);
    cache.clear(); // e.g. the key was revoked
    const after = cache.get('k', 901);
    expect(calls).toHaveLength(3);
    calls[1]!.resolve('active');
    calls[2]!.resolve('revoked');
    expect(await inFlight).toBe('active');
    expect(await after).toBe('revoked');
    expect(await cache.get('k', 902)).toBe('revoked');
  });

  it('reads again for a clock earlier than the answer', async () => {
    const { lookup, calls } = manualLookup();
    const cache = new LookupCache(lookup, TTL);
    const future = cache.get('k', 86_400_000);
    calls[0]!.resolve('as of tomorrow');
    await future;
    const now = cache.get('k', 0);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve('as of now');
    expect(await now).toBe('as of now');
  });
});
