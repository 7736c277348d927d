// Per-API-key rate limiting that holds across instances: the bucket lives in the database
// (bucket.ts), and each instance draws small leases of tokens from it and spends them
// locally, so most requests never touch the database.
//
// Tolerance: every admitted request spent a token taken from the shared bucket, so across all
// instances admissions never exceed burst + rps × t, except that a leased token may be spent up
// to leaseTtlMs after it was drawn. Leased tokens that expire unspent are lost, so a key spread
// thinly over many instances may be refused up to (leaseSize − 1) tokens per instance early.
import type { ApiPrincipal } from '../apikeys/authenticate';
import { getDatabase } from '../db';
import type { SqlQueryable } from '../db/sql';
import { ExchangeError } from '../exchange/errors';
import { drawTokens, type BucketLimits, type Draw } from './bucket';

export interface RateLimitOptions extends BucketLimits {
  /** Tokens drawn from the shared bucket at once (default: rps / 50, between 1 and 100). */
  leaseSize?: number;
  /** How long leased tokens stay spendable (default 1 s). */
  leaseTtlMs?: number;
  sql?: () => SqlQueryable;
}

export type RateLimiter = (principal: Pick<ApiPrincipal, 'keyId'>) => Promise<void>;

interface Lease {
  tokens: number;
  expiresAt: number;
  drawing: Promise<Draw> | null;
}

export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  if (!(opts.rps > 0) || !(opts.burst >= 1)) throw new Error(`rate limit needs rps > 0 and burst >= 1 (got ${opts.rps}/${opts.burst})`);
  const limits = { rps: opts.rps, burst: opts.burst };
  const leaseSize = Math.min(opts.burst, opts.leaseSize ?? Math.max(1, Math.min(100, Math.floor(opts.rps / 50))));
  const leaseTtlMs = opts.leaseTtlMs ?? 1000;
  const sql = opts.sql ?? (() => getDatabase().sql);
  const leases = new Map<string, Lease>();

  async function draw(bucket: string, lease: Lease): Promise<Draw> {
    let size = leaseSize;
    let result = await drawTokens(sql(), bucket, size, limits);
    if (!result.granted && size > 1) {
      size = 1; // nearly empty: take what a single request needs
      result = await drawTokens(sql(), bucket, size, limits);
    }
    if (result.granted) {
      lease.tokens = size;
      lease.expiresAt = Date.now() + leaseTtlMs;
    }
    return result;
  }

  return async function rateLimit(principal) {
    const bucket = `key:${principal.keyId}`;
    const lease = leases.get(bucket) ?? { tokens: 0, expiresAt: 0, drawing: null };
    leases.set(bucket, lease);
    for (;;) {
      if (lease.tokens > 0 && Date.now() < lease.expiresAt) {
        lease.tokens--;
        return;
      }
      // One draw per key per instance at a time; concurrent requests wait for it.
      const drawing = (lease.drawing ??= draw(bucket, lease).finally(() => (lease.drawing = null)));
      const result = await drawing;
      if (!result.granted) {
        throw new ExchangeError('RATE_LIMITED', `rate limit exceeded for this API key (${limits.rps} requests/s, burst ${limits.burst}); retry after ${result.retryAfterSeconds} s`, {
          details: { retry_after_seconds: result.retryAfterSeconds },
          headers: { 'Retry-After': String(result.retryAfterSeconds) },
        });
      }
    }
  };
}

/** The limiter server.ts installs (SP_RATE_LIMIT_RPS / SP_RATE_LIMIT_BURST); none when rps is 0. */
export function rateLimiterFromConfig(limits: { rps: number; burst: number }): RateLimiter | undefined {
  if (limits.rps === 0) return undefined;
  return createRateLimiter({ rps: limits.rps, burst: limits.burst || Math.max(1, limits.rps) });
}
