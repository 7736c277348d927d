import { exchangeDuration } from '../metrics/registry';

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
 * a promise; at once, and without a promise of its own, for one that does not.
 */
export function timed<T>(phase: string, fn: () => T): T {
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
