// Receiving Stripe webhooks: verify the signature, record the event id (idempotency), and apply
// the subscription state change it implies, all or nothing in one transaction.
import Stripe from 'stripe';
import { inTransaction } from '../db/transaction';
import { loadPlans } from './terms';
import { applySubscriptionChange, type AppliedChange } from './subscription';
import { parseWebhook, subscriptionStateFromEvent, type ParseWebhookOptions } from './stripe/webhooks';
import { existingTenants, withTariffChange } from './tariffs';

export type WebhookOutcome =
  | { result: 'applied'; eventId: string; type: string; change: AppliedChange }
  /** A type Signet does not act on, or a change naming no known tenant or subscription. */
  | { result: 'ignored'; eventId: string; type: string }
  | { result: 'duplicate'; eventId: string; type: string };

// Signature verification is local (HMAC); this client never calls Stripe.
const verifier = new Stripe('sk_webhook_verification_only');

/** Throws WebhookSignatureError (→ 400) when the signature does not verify. */
export async function receiveStripeWebhook(rawBody: string | Uint8Array, signature: string | null | undefined, secret: string, options?: ParseWebhookOptions): Promise<WebhookOutcome> {
  const event = parseWebhook(verifier, rawBody, signature, secret, options);
  const base = { eventId: event.id, type: event.type };
  const change = subscriptionStateFromEvent(event, await loadPlans({ includeInactive: true }));
  const tenants = change?.tenantId ? existingTenants([change.tenantId]) : async () => [];
  return withTariffChange(tenants, () =>
    inTransaction(async (tx): Promise<WebhookOutcome> => {
      const recorded = await tx.stripeEvent.createMany({ data: [{ id: event.id, type: event.type }], skipDuplicates: true });
      if (recorded.count === 0) return { result: 'duplicate', ...base };
      const applied = change ? await applySubscriptionChange(change, 'stripe', tx) : null;
      return applied ? { result: 'applied', ...base, change: applied } : { result: 'ignored', ...base };
    }),
  );
}
