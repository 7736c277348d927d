// Idempotency replays without a lookup on every request. The append function refuses a used
// key by itself (and the caller then replays the stored response), so a first-time request
// needs no lookup at all. One is made only where the pipeline is about to do something a
// replay must not repeat (forward, LLM fallback), for keys this process saw recently (a
// client retrying), and before answering with an error (a replay wins over whatever the
// repeated request got wrong). A lookup first waits for any earlier request with the same key
// still running in this process, so two concurrent requests never both forward or spend the
// fallback: the later one replays the earlier one's answer.
import type { SqlClient } from '../db/sql';
import { BoundedMap } from './bounded-map';
import { findStoredResponse } from './commit';
import { timed } from './timing';

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
/** Per key, when every request with it that started in this process has finished. */
const running = new Map<string, Promise<void>>();

export class ReplayGuard {
  private looked = false;
  private readonly id: string;
  private readonly earlier: Promise<void> | undefined;
  private finish!: () => void;

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
  release(): void {
    this.finish();
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
    const stored = await timed('idempotency', () => findStoredResponse(this.sql, this.apiKeyId, this.key));
    if (!stored) return null;
    this.remember();
    return storedReplay(stored.responseBody);
  }
}
