// The shared token bucket: one row per API key in rate_limit_buckets, refilled and drawn
// from in a single atomic statement on the database clock, so every instance sees one bucket.
import type { SqlQueryable } from '../db/sql';

export interface BucketLimits {
  /** Tokens added per second. */
  rps: number;
  /** Bucket capacity (the largest burst). */
  burst: number;
}

export type Draw = { granted: true } | { granted: false; retryAfterSeconds: number };

// Tokens available now: the stored tokens plus the refill since updated_at, capped at burst.
// clock_timestamp() (not now()) so a statement that waited for the row lock sees the time it
// actually got it; greatest() guards against clock skew between transactions.
const AVAILABLE = `least($2::float8, b.tokens + greatest(0, extract(epoch from clock_timestamp() - b.updated_at)) * $3::float8)`;

/**
 * Takes `count` tokens (all or none). A new bucket starts full. When refused, nothing is
 * taken and the answer says how long until `count` tokens will be there.
 */
export async function drawTokens(sql: SqlQueryable, key: string, count: number, limits: BucketLimits): Promise<Draw> {
  const taken = await sql.query(
    `INSERT INTO rate_limit_buckets AS b (key, tokens, updated_at) VALUES ($1, $2::float8 - $4::float8, clock_timestamp())
     ON CONFLICT (key) DO UPDATE SET tokens = ${AVAILABLE} - $4::float8, updated_at = greatest(b.updated_at, clock_timestamp())
       WHERE ${AVAILABLE} >= $4::float8
     RETURNING 1`,
    [key, limits.burst, limits.rps, count],
  );
  if (taken.length > 0) return { granted: true };
  const rows = await sql.query<{ available: number }>(`SELECT ${AVAILABLE} AS available FROM rate_limit_buckets b WHERE b.key = $1`, [
    key,
    limits.burst,
    limits.rps,
  ]);
  const missing = count - Number(rows[0]?.available ?? 0);
  return { granted: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / limits.rps)) };
}
