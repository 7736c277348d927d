// Stripe webhooks: signature verification (STRIPE_WEBHOOK_SECRET) and the mapping from the
// events Signet handles to one subscription state change. Idempotency by event id is the
// caller's (the StripeEvent table).
import Stripe from 'stripe';
import { AppError } from '../../errors';
import { DEFAULT_PLANS, type PlanDefinition } from '../catalog';

export class WebhookSignatureError extends AppError {
  constructor(message: string) {
    super('WEBHOOK_SIGNATURE_INVALID', message);
    this.name = 'WebhookSignatureError';
  }
}

export interface ParseWebhookOptions {
  /** Seconds a signature stays valid (Stripe's default: 300). */
  toleranceSeconds?: number;
  /** Unix seconds "now", for tests. */
  receivedAt?: number;
}

/** Verifies the `Stripe-Signature` header over the raw body and returns the event. */
export function parseWebhook(
  stripe: Stripe,
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string,
  options: ParseWebhookOptions = {},
): Stripe.Event {
  if (!secret) throw new WebhookSignatureError('STRIPE_WEBHOOK_SECRET is not configured');
  if (!signatureHeader) throw new WebhookSignatureError('missing Stripe-Signature header');
  try {
    return stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, options.toleranceSeconds, undefined, options.receivedAt);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw new WebhookSignatureError(`webhook signature verification failed: ${error.message}`);
    }
    throw new WebhookSignatureError(`webhook payload rejected: ${(error as Error).message}`);
  }
}

export type SubscriptionEventType =
  | 'checkout.session.completed'
  | 'customer.subscription.created'
  | 'customer.subscription.updated'
  | 'customer.subscription.deleted'
  | 'invoice.paid'
  | 'invoice.payment_failed';

export interface SubscriptionStateChange {
  eventId: string;
  type: SubscriptionEventType;
  occurredAt: Date;
  /** From `metadata.tenant_id`, or a Checkout Session's `client_reference_id`. */
  tenantId: string | null;
  customerId: string | null;
  subscriptionId: string | null;
  /** Stripe's subscription status (`active`, `past_due`, `canceled`, …). */
  status: string;
  /** The plan price's lookup key when the event names it. */
  planLookupKey: string | null;
  periodStart: Date | null;
  periodEnd: Date | null;
}

/** The state change an event implies, or null for event types Signet does not act on. */
export function subscriptionStateFromEvent(event: Stripe.Event, plans: readonly PlanDefinition[] = DEFAULT_PLANS): SubscriptionStateChange | null {
  const base = { eventId: event.id, occurredAt: new Date(event.created * 1000) };
  const planKeys = new Set(plans.map((p) => p.lookupKey));
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      if (session.mode !== 'subscription') return null;
      return {
        ...base,
        type: event.type,
        tenantId: session.metadata?.tenant_id ?? session.client_reference_id ?? null,
        customerId: idOf(session.customer),
        subscriptionId: idOf(session.subscription),
        status: session.payment_status === 'unpaid' ? 'incomplete' : 'active',
        planLookupKey: session.metadata?.plan_lookup_key ?? null,
        periodStart: null,
        periodEnd: null,
      };
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const subscription = event.data.object;
      const items = subscription.items?.data ?? [];
      const planItem = items.find((item) => item.price.lookup_key !== null && planKeys.has(item.price.lookup_key));
      const periodItem = planItem ?? items[0];
      return {
        ...base,
        type: event.type,
        tenantId: subscription.metadata?.tenant_id ?? null,
        customerId: idOf(subscription.customer),
        subscriptionId: subscription.id,
        status: event.type === 'customer.subscription.deleted' ? 'canceled' : subscription.status,
        planLookupKey: planItem?.price.lookup_key ?? subscription.metadata?.plan_lookup_key ?? null,
        periodStart: periodItem ? fromUnix(periodItem.current_period_start) : null,
        periodEnd: periodItem ? fromUnix(periodItem.current_period_end) : null,
      };
    }
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      const details = invoice.parent?.subscription_details ?? null;
      return {
        ...base,
        type: event.type,
        tenantId: details?.metadata?.tenant_id ?? invoice.metadata?.tenant_id ?? null,
        customerId: idOf(invoice.customer),
        subscriptionId: details ? idOf(details.subscription) : null,
        status: event.type === 'invoice.paid' ? 'active' : 'past_due',
        // An invoice bills the period just ended (usage) and the next (fee); the subscription
        // events carry the current period.
        planLookupKey: details?.metadata?.plan_lookup_key ?? null,
        periodStart: null,
        periodEnd: null,
      };
    }
    default:
      return null;
  }
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

function fromUnix(seconds: number | null | undefined): Date | null {
  return typeof seconds === 'number' ? new Date(seconds * 1000) : null;
}
