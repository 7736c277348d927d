// Stripe Checkout (subscribe to a plan), the Customer Portal (self-serve changes and
// cancellation), and the Stripe customer of a tenant.
import type Stripe from 'stripe';

export async function createCustomer(stripe: Stripe, input: { tenantId: string; name: string; email?: string | null }): Promise<string> {
  const customer = await stripe.customers.create(
    { name: input.name, ...(input.email ? { email: input.email } : {}), metadata: { tenant_id: input.tenantId } },
    // One customer per tenant even when two requests race to create it.
    { idempotencyKey: `signet-customer-${input.tenantId}` },
  );
  return customer.id;
}

export interface CheckoutInput {
  customerId: string;
  tenantId: string;
  planPriceId: string;
  planLookupKey: string;
  /** The plan's metered VEx and FU prices; metered prices take no quantity. */
  meteredPriceIds: string[];
  successUrl: string;
  cancelUrl: string;
}

export async function createCheckoutSession(stripe: Stripe, input: CheckoutInput): Promise<{ id: string; url: string }> {
  const metadata = { tenant_id: input.tenantId, plan_lookup_key: input.planLookupKey };
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: input.customerId,
    client_reference_id: input.tenantId,
    line_items: [{ price: input.planPriceId, quantity: 1 }, ...input.meteredPriceIds.map((price) => ({ price }))],
    success_url: input.successUrl,
    cancel_url: input.cancelUrl,
    metadata,
    // Copied onto the subscription, so its events and invoices name the tenant and plan too.
    subscription_data: { metadata },
  });
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
  return { id: session.id, url: session.url };
}

export async function createPortalSession(stripe: Stripe, input: { customerId: string; returnUrl: string }): Promise<{ id: string; url: string }> {
  const session = await stripe.billingPortal.sessions.create({ customer: input.customerId, return_url: input.returnUrl });
  return { id: session.id, url: session.url };
}
