import { exchangeDuration } from '../metrics/registry';
import { inSpan } from '../telemetry/tracing';

// One labelled child per phase, looked up once: the hot path observes ten phases per exchange.
const byPhase = new Map<string, ReturnType<typeof exchangeDuration.labels>>();

/** Records a phase's duration under signet_exchange_duration_seconds{phase}. */
export function observePhase(phase: string, seconds: number): void {
  let histogram = byPhase.get(phase);
  if (!histogram) byPhase.set(phase, (histogram = exchangeDuration.labels({ phase })));
  histogram.observe(seconds);
}

/**
 * Runs one pipeline phase and records its duration: when it settles, for a phase that returns
 * a promise; at once, and without a promise of its own, for one that does not. With tracing
 * on, the phase is also a span.
 */
export function timed<T>(phase: string, fn: () => T): T {
  return inSpan(phase, () => measured(phase, fn));
}

function measured<T>(phase: string, fn: () => T): T {
  const start = performance.now();
  let result: T;
  try {
    result = fn();
  } catch (err) {
    observeSince(phase, start);
    throw err;
  }
  if (result instanceof Promise) return result.finally(() => observeSince(phase, start)) as T;
  observeSince(phase, start);
  return result;
}

function observeSince(phase: string, start: number): void {
  observePhase(phase, (performance.now() - start) / 1000);
}

/**
 * Time an exchange spends waiting on others (the forward's receiver, the LLM fallback), which
 * the added-latency objective leaves out: phase="added" is the total minus this.
 */
export class ExternalTime {
  seconds = 0;

  async measure<T>(fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.seconds += (performance.now() - start) / 1000;
    }
  }
}
