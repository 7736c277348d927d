import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCheckoutSession, createCustomer, createPortalSession } from './checkout';
import { createStripe } from './client';
import { applyStripeCatalog, buildStripeCatalog, type StripeSetupResult } from './setup';
import { FakeStripe } from './testing/fake-stripe';

let fake: FakeStripe;
let setup: StripeSetupResult;
const stripe = () => createStripe('sk_test_signet', { ...fake.clientOptions(), maxNetworkRetries: 0 });

beforeEach(async () => {
  fake = await FakeStripe.start();
  setup = await applyStripeCatalog(stripe(), buildStripeCatalog());
});
afterEach(async () => {
  await fake.close();
});

describe('Stripe checkout', () => {
  it('creates one customer per tenant, even when asked twice', async () => {
    const first = await createCustomer(stripe(), { tenantId: 'acme', name: 'Acme', email: 'ops@acme.test' });
    const again = await createCustomer(stripe(), { tenantId: 'acme', name: 'Acme', email: 'ops@acme.test' });
    expect(again).toBe(first);
    expect(fake.customers.get(first)).toMatchObject({ name: 'Acme', email: 'ops@acme.test', metadata: { tenant_id: 'acme' } });
    expect(fake.customers.size).toBe(1);
  });

  it('opens a subscription checkout: plan price × 1 plus metered prices without quantity', async () => {
    const customerId = await createCustomer(stripe(), { tenantId: 'acme', name: 'Acme' });
    const plan = setup.plans.find((p) => p.planId === 'professional')!;
    const session = await createCheckoutSession(stripe(), {
      customerId,
      tenantId: 'acme',
      planPriceId: plan.stripePriceId,
      planLookupKey: plan.lookupKey,
      meteredPriceIds: [plan.meteredPriceIds.vex, plan.meteredPriceIds.fu],
      successUrl: 'https://signet.example/portal/billing?ok=1',
      cancelUrl: 'https://signet.example/portal/billing',
    });
    expect(session.url).toMatch(/^https:\/\//);
    const call = fake.callsTo('POST', '/v1/checkout/sessions')[0]!;
    expect(call.params).toEqual({
      mode: 'subscription',
      customer: customerId,
      client_reference_id: 'acme',
      line_items: [{ price: plan.stripePriceId, quantity: '1' }, { price: plan.meteredPriceIds.vex }, { price: plan.meteredPriceIds.fu }],
      success_url: 'https://signet.example/portal/billing?ok=1',
      cancel_url: 'https://signet.example/portal/billing',
      metadata: { tenant_id: 'acme', plan_lookup_key: 'signet_professional_monthly' },
      subscription_data: { metadata: { tenant_id: 'acme', plan_lookup_key: 'signet_professional_monthly' } },
    });
  });

  it('opens a billing portal session for the customer', async () => {
    const customerId = await createCustomer(stripe(), { tenantId: 'acme', name: 'Acme' });
    const portal = await createPortalSession(stripe(), { customerId, returnUrl: 'https://signet.example/portal/billing' });
    expect(portal.url).toMatch(/^https:\/\//);
    expect(fake.portalSessions.get(portal.id)).toMatchObject({ customer: customerId, return_url: 'https://signet.example/portal/billing' });
  });

  it('surfaces Stripe errors, e.g. an unknown customer', async () => {
    await expect(createPortalSession(stripe(), { customerId: 'cus_missing', returnUrl: 'https://x.test' })).rejects.toThrow(/No such customer/);
  });
});
