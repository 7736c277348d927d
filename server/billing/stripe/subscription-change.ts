// A plan change of a tenant that already has a Stripe subscription is made to that subscription,
// in place: Checkout would start a second subscription beside it. Its items are swapped to the
// new plan's prices, prorated at the instant Stripe's invoice preview priced the change and
// invoiced at once (`always_invoice`), so the charge is the amount due the owner was shown. A
// declined payment fails the call and leaves the subscription as it was (`error_if_incomplete`).
import type Stripe from 'stripe';
import { swappedItems, type InvoicePreviewRequest } from './invoice-preview';

export async function changeSubscriptionPlan(stripe: Stripe, request: Omit<InvoicePreviewRequest, 'customerId'> & { subscriptionId: string }): Promise<void> {
  await stripe.subscriptions.update(request.subscriptionId, {
    items: await swappedItems(stripe, request),
    proration_behavior: 'always_invoice',
    proration_date: Math.floor(request.prorationDate.getTime() / 1000),
    payment_behavior: 'error_if_incomplete',
  });
}
