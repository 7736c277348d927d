// The estimates held by LLM repairs in flight, per quota scope (a tenant, or a key with its own
// limit), so concurrent requests cannot together overshoot the monthly FU limit by more than
// one request's estimate. A repair holds its estimate from its quota check until its
// exchange's usage row is committed. Dropping the hold at that very moment is not enough: a
// concurrent check may have read the ledger before the commit and then read the holds after
// the drop, counting the repair nowhere. So a released hold is dropped only once every ledger
// read that began before the release has finished; until then it may count twice, which only
// errs on the side of the limit.
import type { QuotaDecision } from './quota';

interface Scope {
  held: bigint;
  /** Start stamps of the ledger reads in progress. */
  reads: Set<number>;
  releases: { at: number; amount: bigint }[];
}

export interface Reservation {
  decision: QuotaDecision;
  used: bigint;
  /** What other repairs in flight held when the decision was made. */
  held: bigint;
  /** Ends the hold (idempotent); a no-op when the decision refused. */
  release(): void;
}

export class QuotaHolds {
  private clock = 0;
  private readonly scopes = new Map<string, Scope>();

  /**
   * Reads the ledger, then decides with the holds as they are at that moment and, if allowed,
   * holds the decision's reserve, all in one synchronous step after the read.
   */
  async reserve(scope: string, readUsed: () => Promise<bigint>, decide: (usedWithHolds: bigint) => QuotaDecision): Promise<Reservation> {
    const s = this.scope(scope);
    const started = ++this.clock;
    s.reads.add(started);
    try {
      const used = await readUsed();
      const held = s.held;
      const decision = decide(used + held);
      if (!decision.allowed) return { decision, used, held, release: () => {} };
      s.held += decision.reserve;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        s.releases.push({ at: ++this.clock, amount: decision.reserve });
        this.settle(scope, s);
      };
      return { decision, used, held, release };
    } finally {
      s.reads.delete(started);
      this.settle(scope, s);
    }
  }

  /** What a scope holds now (for tests and diagnostics). */
  heldFor(scope: string): bigint {
    return this.scopes.get(scope)?.held ?? 0n;
  }

  private scope(name: string): Scope {
    let s = this.scopes.get(name);
    if (!s) this.scopes.set(name, (s = { held: 0n, reads: new Set(), releases: [] }));
    return s;
  }

  /** Drops the releases no read in progress could have missed. */
  private settle(name: string, s: Scope): void {
    const oldestRead = s.reads.size > 0 ? Math.min(...s.reads) : Infinity;
    s.releases = s.releases.filter((r) => {
      if (r.at > oldestRead) return true;
      s.held -= r.amount;
      return false;
    });
    if (s.held === 0n && s.reads.size === 0 && s.releases.length === 0) this.scopes.delete(name);
  }
}
