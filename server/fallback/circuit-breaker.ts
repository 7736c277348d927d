// A circuit breaker for the fallback provider, so a provider outage makes exchanges fail fast
// instead of each waiting out its timeout. Closed: calls pass; it opens after
// `failureThreshold` consecutive failures, or when at least `minimumCalls` calls in the last
// `windowMs` failed at `failureRate` or more. Open: calls are refused for `cooldownMs`.
// Half-open: one probe passes; its success closes the circuit, its failure re-opens it.
// Time comes from the injected `now`, so tests need no timers.

export interface CircuitBreakerOptions {
  failureThreshold: number;
  failureRate: number;
  minimumCalls: number;
  windowMs: number;
  cooldownMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export class CircuitOpenError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`fallback provider circuit is open; retry in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = 'CircuitOpenError';
  }
}

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private outcomes: { at: number; failed: boolean }[] = [];
  private openedAt = 0;
  private probeInFlight = false;
  /** Bumped on every state change, so results of calls begun in an earlier state are ignored. */
  private generation = 0;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /** Runs `call` unless the circuit refuses it; a rejection of `call` counts as a failure. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    const generation = this.acquire();
    let result: T;
    try {
      result = await call();
    } catch (error) {
      this.record(generation, true);
      throw error;
    }
    this.record(generation, false);
    return result;
  }

  private acquire(): number {
    if (this.current === 'open') {
      const waited = this.now() - this.openedAt;
      if (waited < this.options.cooldownMs) throw new CircuitOpenError(this.options.cooldownMs - waited);
      this.transition('half_open');
    }
    if (this.current === 'half_open') {
      if (this.probeInFlight) throw new CircuitOpenError(0);
      this.probeInFlight = true;
    }
    return this.generation;
  }

  private record(generation: number, failed: boolean) {
    if (generation !== this.generation) return;
    if (this.current === 'half_open') {
      this.transition(failed ? 'open' : 'closed');
      return;
    }
    const at = this.now();
    this.consecutiveFailures = failed ? this.consecutiveFailures + 1 : 0;
    this.outcomes = this.outcomes.filter((o) => at - o.at < this.options.windowMs);
    this.outcomes.push({ at, failed });
    if (failed && this.shouldOpen()) this.transition('open');
  }

  private shouldOpen(): boolean {
    if (this.consecutiveFailures >= this.options.failureThreshold) return true;
    if (this.outcomes.length < this.options.minimumCalls) return false;
    const failures = this.outcomes.filter((o) => o.failed).length;
    return failures / this.outcomes.length >= this.options.failureRate;
  }

  private transition(next: CircuitState) {
    this.current = next;
    this.generation += 1;
    this.probeInFlight = false;
    this.consecutiveFailures = 0;
    this.outcomes = [];
    if (next === 'open') this.openedAt = this.now();
  }
}
