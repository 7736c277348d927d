// The API key cache's policy. A lookup is shared by every request that needs it at the same
// time (at expiry, 32 connections used to send 32 identical queries and all wait for them).
// An answer past half its TTL is re-read in the background while it is still served, so the
// hot path rarely waits for the database, and a change (a revocation) still takes effect
// within the TTL: an answer counts as read when its lookup began.
export class LookupCache<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();
  private readonly inFlight = new Map<string, Promise<V>>();
  private generation = 0;

  constructor(
    private readonly lookup: (key: string, now: number) => Promise<V>,
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
  ) {}

  async get(key: string, now: number): Promise<V> {
    const entry = this.entries.get(key);
    const age = entry ? now - entry.at : -1;
    if (!entry || age < 0 || age >= this.ttlMs) return this.read(key, now); // age < 0: read for another clock
    if (age >= this.ttlMs / 2) this.read(key, now).catch(() => {}); // a failure shows at expiry
    return entry.value;
  }

  /** Forgets every answer, and any lookup in flight, now (e.g. after a revocation). */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.inFlight.clear();
  }

  private read(key: string, now: number): Promise<V> {
    let pending = this.inFlight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    pending = this.lookup(key, now).then(
      (value) => {
        if (this.generation === generation) {
          this.inFlight.delete(key);
          if (this.entries.size >= this.capacity) this.entries.clear();
          this.entries.set(key, { at: now, value });
        }
        return value;
      },
      (error: unknown) => {
        if (this.generation === generation) this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, pending);
    return pending;
  }
}
