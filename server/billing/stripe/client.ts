// The Stripe SDK client. STRIPE_API_HOST / STRIPE_API_PORT / STRIPE_API_PROTOCOL (Config.stripeApi)
// point it at another server (tests use the local fake in ./testing); explicit options win over them.
import Stripe from 'stripe';
import { loadConfig, type Config } from '../../config';

export interface StripeClientOptions {
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** SDK-level retries of one call; the usage outbox passes 0 and retries batches itself. */
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

export function createStripe(secretKey: string, options: StripeClientOptions = {}, api: Config['stripeApi'] = loadConfig().stripeApi): Stripe {
  if (!secretKey.trim()) throw new Error('a Stripe secret key is required');
  const host = options.host ?? api.host;
  const port = options.port ?? api.port;
  const protocol = options.protocol ?? api.protocol;
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
