import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLANS, type PlanId } from '../catalog';
import { createCustomer } from './checkout';
import { createStripe } from './client';
import { planItemLookupKeys, previewPlanChangeInvoice } from './invoice-preview';
import { applyStripeCatalog, buildStripeCatalog, type StripeSetupResult } from './setup';
import { FakeStripe } from './testing/fake-stripe';

let fake: FakeStripe;
let setup: StripeSetupResult;
const stripe = () => createStripe('sk_test_signet', { ...fake.clientOptions(), maxNetworkRetries: 0 });
const plan = (id: PlanId) => DEFAULT_PLANS.find((p) => p.id === id)!;
const pricesOf = (id: PlanId) => {
  const p = setup.plans.find((entry) => entry.planId === id)!;
  return [p.stripePriceId, p.meteredPriceIds.vex, p.meteredPriceIds.fu];
};
const priceMap = (id: PlanId) => new Map(planItemLookupKeys(plan(id)).map((key, i) => [key, pricesOf(id)[i]!]));

const periodStart = new Date('2026-12-01T00:00:00Z');
const periodEnd = new Date('2027-01-01T00:00:00Z');
const at = new Date('2026-12-21T00:00:00Z'); // 11 of 31 days left

beforeEach(async () => {
  fake = await FakeStripe.start();
  setup = await applyStripeCatalog(stripe(), buildStripeCatalog());
});
afterEach(async () => {
  await fake.close();
});

describe("Stripe's invoice preview of a plan change", () => {
  it('swaps every item of the subscription to the new plan and returns the prorated amount due now', async () => {
    const customer = await createCustomer(stripe(), { tenantId: 'acme', name: 'Acme' });
    const subscription = fake.createSubscription({ customer, prices: pricesOf('starter'), periodStart, periodEnd });
    const preview = await previewPlanChangeInvoice(stripe(), { customerId: customer, subscriptionId: subscription, toPlan: plan('enterprise'), prices: priceMap('enterprise'), prorationDate: at });

    // Stripe's lines, each rounded: $9,999 × 11/31 − $499 × 11/31.
    expect(preview).toEqual({ amountDueCents: BigInt(Math.round((999_900 * 11) / 31) - Math.round((49_900 * 11) / 31)), currency: 'usd', prorationDate: at });
    const [call] = fake.callsTo('POST', '/v1/invoices/create_preview');
    const items = fake.subscriptions.get(subscription)!.items.data.map((item) => item.id);
    expect(call!.params).toEqual({
      subscription,
      subscription_details: { items: items.map((id, i) => ({ id, price: pricesOf('enterprise')[i] })), proration_behavior: 'always_invoice', proration_date: String(at.getTime() / 1000) },
    });
  });

  it('previews a first subscription in full: the monthly fee, metered prices add nothing up front', async () => {
    const preview = await previewPlanChangeInvoice(stripe(), { customerId: null, subscriptionId: null, toPlan: plan('professional'), prices: priceMap('professional'), prorationDate: at });
    expect(preview.amountDueCents).toBe(199_900n);
    expect(fake.callsTo('POST', '/v1/invoices/create_preview')[0]!.params).toMatchObject({ customer_details: { tax_exempt: 'none' } });
  });

  it("passes Stripe's refusal on as a Stripe error", async () => {
    const request = { customerId: null, subscriptionId: 'sub_gone', toPlan: plan('enterprise'), prices: priceMap('enterprise'), prorationDate: at };
    const error = await previewPlanChangeInvoice(stripe(), request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeError);
    expect((error as Error).message).toBe("No such subscription: 'sub_gone'");
  });
});
