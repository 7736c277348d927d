// The Stripe SDK client. STRIPE_API_HOST / STRIPE_API_PORT / STRIPE_API_PROTOCOL point it at
// another server (tests use the local fake in ./testing); explicit options win over them.
import Stripe from 'stripe';

export interface StripeClientOptions {
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** SDK-level retries of one call; the usage outbox passes 0 and retries batches itself. */
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

export function createStripe(secretKey: string, options: StripeClientOptions = {}, env: Record<string, string | undefined> = process.env): Stripe {
  if (!secretKey.trim()) throw new Error('a Stripe secret key is required');
  const host = options.host ?? (env.STRIPE_API_HOST || undefined);
  const port = options.port ?? portFromEnv(env.STRIPE_API_PORT);
  const protocol = options.protocol ?? protocolFromEnv(env.STRIPE_API_PROTOCOL);
  return new Stripe(secretKey, {
    ...(host ? { host } : {}),
    ...(port ? { port } : {}),
    ...(protocol ? { protocol } : {}),
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 30_000,
    telemetry: false,
    appInfo: { name: 'Signet' },
  });
}

function portFromEnv(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`STRIPE_API_PORT must be a TCP port, got "${raw}"`);
  return port;
}

function protocolFromEnv(raw: string | undefined): 'http' | 'https' | undefined {
  if (!raw) return undefined;
  if (raw !== 'http' && raw !== 'https') throw new Error(`STRIPE_API_PROTOCOL must be http or https, got "${raw}"`);
  return raw;
}
