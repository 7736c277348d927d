// Idempotency replays without a lookup on every request. The append function refuses a used
// key by itself (and the caller then replays the stored response), so a first-time request
// needs no lookup at all. One is made only where the pipeline is about to do something a
// replay must not repeat (forward, LLM fallback), for keys this process saw recently (a
// client retrying), and before answering with an error (a replay wins over whatever the
// repeated request got wrong). A lookup first waits for any earlier request with the same key
// still running in this process. Before a forward or a fallback the key is also claimed in the
// database (idempotency_claims) until the request has its answer, so a request with the same
// key on another instance waits too: concurrent requests never both forward or spend the
// fallback, and the later one replays the earlier one's answer.
import type { SqlClient } from '../db/sql';
import { BoundedMap } from './bounded-map';
import { findStoredResponse } from './commit';
import { timed } from './timing';
import { logger } from '../telemetry/logger';

export interface StoredReplay {
  body: string;
  traceId: string;
}

/** A stored response as the pipeline answers with it. */
export function storedReplay(responseBody: string): StoredReplay {
  return { body: responseBody, traceId: (JSON.parse(responseBody) as { trace_id: string }).trace_id };
}

/** Thrown by a guard's check when the key has a stored response; the exchange ends with it. */
export class ReplayFound extends Error {
  constructor(readonly replay: StoredReplay) {
    super('idempotency key already used');
  }
}

const recentKeys = new BoundedMap<string, true>(20_000);
/** Ends a dead holder's claim; longer than a forward (10 s) and the fallback's default 2 × 15 s together. */
const CLAIM_LEASE_SECONDS = 60;
const CLAIM_POLL_MS = 100;
/** Per key, when every request with it that started in this process has finished. */
const running = new Map<string, Promise<void>>();

export class ReplayGuard {
  private looked = false;
  private readonly id: string;
  private readonly earlier: Promise<void> | undefined;
  private finish!: () => void;
  /** The lease this request holds on its key (its expiry, as stored), once claimed. */
  private claimedUntil: string | undefined;

  constructor(
    private readonly sql: SqlClient,
    private readonly apiKeyId: string,
    private readonly key: string,
  ) {
    this.id = `${apiKeyId}\u0000${key}`;
    this.earlier = running.get(this.id);
    const mine = new Promise<void>((resolve) => (this.finish = resolve));
    const settled = this.earlier ? Promise.all([this.earlier, mine]).then(() => undefined) : mine;
    running.set(this.id, settled);
    void settled.then(() => running.get(this.id) === settled && running.delete(this.id));
  }

  /** The request has its answer: later requests with its key may look up now. Call once. */
  async release(): Promise<void> {
    try {
      if (this.claimedUntil) {
        // Expired claims left by dead holders go too; the table holds only claims in flight.
        await this.sql.query(
          `DELETE FROM idempotency_claims
            WHERE (api_key_id = $1 AND key = $2 AND expires_at = $3::timestamp(3))
               OR expires_at < localtimestamp - interval '1 hour'`,
          [this.apiKeyId, this.key, this.claimedUntil],
        );
      }
    } catch (err) {
      logger.error({ err }, 'could not release an idempotency claim (it lapses with its lease)');
    } finally {
      this.finish();
    }
  }

  /**
   * Before a forward or an LLM fallback: throws ReplayFound if the key has a stored response,
   * else holds the key until release(). While another request holds it (on any instance), waits
   * for that one's answer, or for its lease to lapse.
   */
  async claim(): Promise<void> {
    if (this.claimedUntil) return;
    await this.earlier;
    for (;;) {
      const [won] = await this.sql.query<{ expires_at: string }>(
        `INSERT INTO idempotency_claims AS c (api_key_id, key, expires_at)
         VALUES ($1, $2, localtimestamp + make_interval(secs => $3))
         ON CONFLICT (api_key_id, key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE c.expires_at < localtimestamp
         RETURNING expires_at::text`,
        [this.apiKeyId, this.key, CLAIM_LEASE_SECONDS],
      );
      if (won) this.claimedUntil = won.expires_at;
      // Looked up after claiming: a holder stores its answer before it lets go of the key.
      const stored = await this.stored();
      if (stored) throw new ReplayFound(stored);
      if (won) return;
      await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
    }
  }

  /** True when this process stored or replayed the key lately. */
  get seenRecently(): boolean {
    return recentKeys.has(this.id);
  }

  /** Marks the key as used (after a commit or a replay). */
  remember(): void {
    recentKeys.set(this.id, true);
  }

  /** Throws ReplayFound if the key has a stored response; looks it up once per request. */
  async check(): Promise<void> {
    const stored = await this.lookup();
    if (stored) throw new ReplayFound(stored);
  }

  /** The stored response, unless this request already looked and found none. */
  async lookup(): Promise<StoredReplay | null> {
    if (this.looked) return null;
    this.looked = true;
    await this.earlier;
    return this.stored();
  }

  private async stored(): Promise<StoredReplay | null> {
    const stored = await timed('idempotency', () => findStoredResponse(this.sql, this.apiKeyId, this.key));
    if (!stored) return null;
    this.remember();
    return storedReplay(stored.responseBody);
  }
}
