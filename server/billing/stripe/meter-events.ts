// One usage batch → one Stripe meter event. The batch identifier is both the meter event's
// `identifier` (Stripe deduplicates on it) and, prefixed, the request's Idempotency-Key (a resend
// returns the original response instead of an error).
import Stripe from 'stripe';

export interface MeterEventInput {
  eventName: string;
  stripeCustomerId: string;
  value: bigint;
  identifier: string;
  timestamp: Date;
}

export async function sendMeterEvent(stripe: Stripe, input: MeterEventInput): Promise<Stripe.Billing.MeterEvent> {
  if (input.value <= 0n) throw new Error(`meter event value must be positive, got ${input.value}`);
  if (input.identifier.length === 0 || input.identifier.length > 100) throw new Error('meter event identifier must be 1 to 100 characters');
  return stripe.billing.meterEvents.create(
    {
      event_name: input.eventName,
      identifier: input.identifier,
      timestamp: Math.floor(input.timestamp.getTime() / 1000),
      payload: { stripe_customer_id: input.stripeCustomerId, value: input.value.toString() },
    },
    { idempotencyKey: `signet-meter-${input.identifier}` },
  );
}

export interface StripeFailure {
  /** Worth sending again later (the outbox backs off); otherwise needs a person. */
  retryable: boolean;
  status: number | null;
  message: string;
}

/**
 * Retryable: connection failures and timeouts, 429, 409 (lock contention), 5xx, and anything
 * Stripe marks `Stripe-Should-Retry: true`. Permanent: other 4xx (bad request, auth, permission).
 */
export function classifyStripeError(error: unknown): StripeFailure {
  if (!(error instanceof Stripe.errors.StripeError)) {
    return { retryable: false, status: null, message: error instanceof Error ? error.message : String(error) };
  }
  const status = error.statusCode ?? null;
  const message = `${error.type}${status ? ` ${status}` : ''}: ${error.message}`;
  const shouldRetry = error.headers?.['stripe-should-retry'];
  if (shouldRetry === 'true' || shouldRetry === 'false') return { retryable: shouldRetry === 'true', status, message };
  const retryable =
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    status === 409 ||
    status === 429 ||
    (status ?? 0) >= 500;
  return { retryable, status, message };
}
