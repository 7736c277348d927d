// Sign-in, sign-up and password-reset throttling, per account (the email) and per client
// address. Counters live in auth_throttles so every instance sees the same ones. An attempt is
// counted before the password is hashed, in one atomic statement that refuses while the key is
// delayed, so a refused attempt costs no Argon2id hash and concurrent attempts cannot slip past
// the count; a successful sign-in takes its count back. Every password-reset request counts
// (each may send an email), whether or not the address has an account.
//
// From the 5th failure within 15 minutes the next attempt must wait SP_AUTH_THROTTLE_BASE_MS
// (1 s), doubling per failure up to 60 times that; the 20th locks the key for 15 minutes.
// A key's count starts over once 15 minutes pass without a failure.
import { audit } from '../audit/log';
import { loadConfig } from '../config';
import { getDatabase } from '../db';
import type { SqlQueryable } from '../db/sql';
import type { ThrottleNotice } from '@/lib/throttle-notice';

export const DELAY_AFTER = 5;
export const LOCK_AFTER = 20;
const WINDOW = `interval '15 minutes'`;

export type AttemptKind = 'signin' | 'signup' | 'reset';
type Scope = ThrottleNotice['scope'];

export interface Claim {
  kind: AttemptKind;
  counted: { scope: Scope; key: string; failures: number }[];
  account: string;
  address: string | null;
}

let baseMs: number | undefined;
function delayBaseMs() {
  return (baseMs ??= loadConfig().authThrottleBaseMs);
}

// How long after its last failure a key with `f` failures is refused; $2 is the base in ms.
const delay = (f: string) =>
  `CASE WHEN ${f} >= ${LOCK_AFTER} THEN ${WINDOW}
        WHEN ${f} >= ${DELAY_AFTER} THEN make_interval(secs => least($2::float8 * power(2, ${f} - ${DELAY_AFTER}), $2::float8 * 60) / 1000)
        ELSE interval '0' END`;

async function count(key: string): Promise<{ failures: number } | { retryAfterSeconds: number; locked: boolean }> {
  const sql = getDatabase().sql;
  const base = delayBaseMs();
  const counted = await sql.query<{ failures: number }>(
    `INSERT INTO auth_throttles AS t (key, failures, last_failure_at) VALUES ($1, 1, clock_timestamp())
     ON CONFLICT (key) DO UPDATE
       SET failures = CASE WHEN t.last_failure_at <= clock_timestamp() - ${WINDOW} THEN 1 ELSE t.failures + 1 END,
           last_failure_at = clock_timestamp()
       WHERE t.last_failure_at + ${delay('t.failures')} <= clock_timestamp()
     RETURNING failures`,
    [key, base],
  );
  if (counted[0]) return { failures: Number(counted[0].failures) };
  const [row] = await sql.query<{ failures: number; wait: number }>(
    `SELECT failures, extract(epoch from t.last_failure_at + ${delay('t.failures')} - clock_timestamp())::float8 AS wait
       FROM auth_throttles t WHERE key = $1`,
    [key, base],
  );
  return { retryAfterSeconds: Math.max(1, Math.ceil(Number(row?.wait ?? 1))), locked: Number(row?.failures ?? 0) >= LOCK_AFTER };
}

/** The delay runs from the end of an attempt (a hash may take a while under load), not its start. */
async function restamp(keys: string[], sql: SqlQueryable = getDatabase().sql) {
  if (keys.length === 0) return;
  await sql.query(`UPDATE auth_throttles SET last_failure_at = greatest(last_failure_at, clock_timestamp()) WHERE key = ANY($1::text[])`, [keys]);
}

async function uncount(key: string) {
  await getDatabase().sql.query(`UPDATE auth_throttles SET failures = greatest(failures - 1, 0) WHERE key = $1`, [key]);
}

/**
 * Counts an attempt against the account and the client address, or says why it must wait.
 * Call before any password hashing; settle the claim with attemptFailed or attemptSucceeded.
 */
export async function claimAttempt(
  kind: AttemptKind,
  who: { account: string; address: string | null },
): Promise<{ claim: Claim } | { refused: ThrottleNotice }> {
  const keys: { scope: Scope; key: string }[] = [{ scope: 'account', key: `${kind}:account:${who.account}` }];
  if (who.address) keys.push({ scope: 'address', key: `${kind}:address:${who.address}` });
  const counted: Claim['counted'] = [];
  for (const { scope, key } of keys) {
    const result = await count(key);
    if ('retryAfterSeconds' in result) {
      for (const c of counted) await uncount(c.key);
      return { refused: { scope, locked: result.locked, retryAfterSeconds: result.retryAfterSeconds } };
    }
    counted.push({ scope, key, failures: result.failures });
  }
  return { claim: { kind, counted, account: who.account, address: who.address } };
}

/**
 * The attempt failed: its count stands, and reaching the delay or the lockout is audited in the
 * transaction that settles it (the restamp). The count itself was committed by claimAttempt,
 * before the hash, and stays even if this fails: a failed audit write must not lift a lock.
 */
export async function attemptFailed(claim: Claim) {
  await getDatabase().sql.transaction(async (tx) => {
    await restamp(claim.counted.map((c) => c.key), tx);
    for (const c of claim.counted) {
      if (c.failures !== DELAY_AFTER && c.failures !== LOCK_AFTER) continue;
      const action = `auth.${claim.kind}.${c.failures === LOCK_AFTER ? 'locked' : 'throttled'}`;
      await audit(tx, { id: null, email: claim.account, ip: claim.address }, action, {
        target: c.scope === 'account' ? claim.account : claim.address,
        detail: { scope: c.scope, failures: c.failures },
      });
    }
  });
}

/**
 * The attempt succeeded: the account starts over. A sign-in takes back its count on the
 * address; a sign-up's stays, so one address cannot create accounts (each an Argon2id hash)
 * without limit.
 */
export async function attemptSucceeded(claim: Claim) {
  for (const c of claim.counted) {
    if (c.scope === 'account') await getDatabase().sql.query(`DELETE FROM auth_throttles WHERE key = $1`, [c.key]);
    else if (claim.kind === 'signin') await uncount(c.key);
    else await restamp([c.key]);
  }
}
