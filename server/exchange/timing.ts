import { exchangeDuration } from '../metrics/registry';

// One labelled child per phase, looked up once: the hot path observes ten phases per exchange.
const byPhase = new Map<string, ReturnType<typeof exchangeDuration.labels>>();

/** Records a phase's duration under signet_exchange_duration_seconds{phase}. */
export function observePhase(phase: string, seconds: number): void {
  let histogram = byPhase.get(phase);
  if (!histogram) byPhase.set(phase, (histogram = exchangeDuration.labels({ phase })));
  histogram.observe(seconds);
}

/** Runs one pipeline phase and records its duration. */
export async function timed<T>(phase: string, fn: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    observePhase(phase, (performance.now() - start) / 1000);
  }
}
