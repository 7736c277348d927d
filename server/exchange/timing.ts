import { exchangeDuration } from '../metrics/registry';

/** Runs one pipeline phase and records its duration under signet_exchange_duration_seconds{phase}. */
export async function timed<T>(phase: string, fn: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    exchangeDuration.observe({ phase }, (performance.now() - start) / 1000);
  }
}
