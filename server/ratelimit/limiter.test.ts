import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '@/tests/support/db';
import { ExchangeError } from '../exchange/errors';
import { drawTokens } from './bucket';
import { createRateLimiter, rateLimiterFromConfig } from './limiter';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

async function ageBucket(key: string, seconds: number) {
  await db.sql.query(`UPDATE rate_limit_buckets SET updated_at = updated_at - make_interval(secs => $2) WHERE key = $1`, [key, seconds]);
}

describe('drawTokens (the shared bucket)', () => {
  const limits = { rps: 2, burst: 5 };

  it('starts full, takes all or nothing, and says when to retry', async () => {
    expect(await drawTokens(db.sql, 'b1', 3, limits)).toEqual({ granted: true });
    expect(await drawTokens(db.sql, 'b1', 3, limits)).toEqual({ granted: false, retryAfterSeconds: 1 });
    expect(await drawTokens(db.sql, 'b1', 2, limits)).toEqual({ granted: true });
    const refused = await drawTokens(db.sql, 'b1', 5, limits);
    expect(refused).toEqual({ granted: false, retryAfterSeconds: 3 }); // 5 tokens at 2/s, from (almost) empty
  });

  it('refills at rps up to burst, computed on the database clock', async () => {
    await drawTokens(db.sql, 'b2', 5, limits);
    expect((await drawTokens(db.sql, 'b2', 1, limits)).granted).toBe(false);
    await ageBucket('b2', 1.1); // 2.2 tokens
    expect((await drawTokens(db.sql, 'b2', 2, limits)).granted).toBe(true);
    expect((await drawTokens(db.sql, 'b2', 1, limits)).granted).toBe(false);
    await ageBucket('b2', 3600); // capped at burst
    expect((await drawTokens(db.sql, 'b2', 5, limits)).granted).toBe(true);
    expect((await drawTokens(db.sql, 'b2', 1, limits)).granted).toBe(false);
  });

  it('never over-grants under concurrent draws', async () => {
    const results = await Promise.all(Array.from({ length: 60 }, () => drawTokens(db.sql, 'b3', 1, { rps: 0.001, burst: 20 })));
    expect(results.filter((r) => r.granted)).toHaveLength(20);
  });
});

describe('createRateLimiter (leases)', () => {
  const principal = (keyId: string) => ({ keyId });

  it('refuses with RATE_LIMITED, a Retry-After header and details once the burst is spent', async () => {
    const limit = createRateLimiter({ rps: 0.5, burst: 3 });
    for (let i = 0; i < 3; i++) await limit(principal('k1'));
    const err = await limit(principal('k1')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExchangeError);
    const e = err as ExchangeError;
    expect([e.status, e.code, e.headers?.['Retry-After']]).toEqual([429, 'RATE_LIMITED', '2']);
    expect(e.details).toEqual({ retry_after_seconds: 2 });
    await limit(principal('k2')); // other keys have their own bucket
  });

  it('draws leases so most requests skip the database, and two limiters share one bucket', async () => {
    const a = createRateLimiter({ rps: 0.01, burst: 40, leaseSize: 8 });
    const b = createRateLimiter({ rps: 0.01, burst: 40, leaseSize: 8 });
    const outcomes = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b)(principal('shared'))));
    const admitted = outcomes.filter((o) => o.status === 'fulfilled').length;
    // Never more than the bucket holds; at most (leaseSize - 1) tokens stranded per limiter.
    expect(admitted).toBeLessThanOrEqual(40);
    expect(admitted).toBeGreaterThanOrEqual(40 - 2 * 7);
    const [row] = await db.sql.query<{ tokens: number }>(`SELECT tokens FROM rate_limit_buckets WHERE key = 'key:shared'`);
    expect(Number(row!.tokens)).toBeLessThan(1);
  });

  it('lets leased tokens expire so a lease cannot be hoarded', async () => {
    const limit = createRateLimiter({ rps: 0.01, burst: 4, leaseSize: 4, leaseTtlMs: 50 });
    await limit(principal('ttl'));
    await new Promise((r) => setTimeout(r, 80));
    await expect(limit(principal('ttl'))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('is off when configured with 0 requests/s, and rejects nonsense limits', () => {
    expect(rateLimiterFromConfig({ rps: 0, burst: 0 })).toBeUndefined();
    expect(rateLimiterFromConfig({ rps: 10, burst: 0 })).toBeTypeOf('function');
    expect(() => createRateLimiter({ rps: -1, burst: 5 })).toThrow(/rps > 0/);
  });
});
