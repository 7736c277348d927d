// What Stripe itself would charge for a plan change, from its invoice preview
// (`POST /v1/invoices/create_preview`): nothing is created or charged. An existing subscription
// is previewed with its items swapped to the new plan's prices, prorated at `prorationDate` and
// invoiced at once (`always_invoice`), so the preview's amount due is what the change charges
// now; a tenant without a subscription previews a new one (its first invoice, in full).
import type Stripe from 'stripe';
import { AppError } from '../../errors';
import { METERS, planMeteredLookupKey, type PlanId } from '../catalog';

export interface InvoicePreviewRequest {
  customerId: string | null;
  subscriptionId: string | null;
  toPlan: { id: PlanId; lookupKey: string };
  /** Lookup key → price id, for the new plan's flat and metered prices (`planItemLookupKeys`). */
  prices: Map<string, string>;
  /** The instant the change is priced at, as the local quote uses it. */
  prorationDate: Date;
}

export interface InvoicePreview {
  /** Stripe's amount due now, in cents of `currency`. */
  amountDueCents: bigint;
  currency: string;
  prorationDate: Date;
}

/** Lookup keys of a plan's subscription items: the flat monthly fee and one metered price per meter. */
export function planItemLookupKeys(plan: { id: PlanId; lookupKey: string }): string[] {
  return [plan.lookupKey, ...METERS.map((meter) => planMeteredLookupKey(plan.id, meter))];
}

export async function previewPlanChangeInvoice(stripe: Stripe, request: InvoicePreviewRequest): Promise<InvoicePreview> {
  const [flat, ...metered] = planItemLookupKeys(request.toPlan).map((key) => request.prices.get(key)!);
  const prorationDate = Math.floor(request.prorationDate.getTime() / 1000);
  const invoice = request.subscriptionId
    ? await stripe.invoices.createPreview({
        subscription: request.subscriptionId,
        subscription_details: {
          items: await swappedItems(stripe, request),
          proration_behavior: 'always_invoice',
          proration_date: prorationDate,
        },
      })
    : await stripe.invoices.createPreview({
        ...(request.customerId ? { customer: request.customerId } : { customer_details: { tax_exempt: 'none' as const } }),
        subscription_details: { items: [{ price: flat!, quantity: 1 }, ...metered.map((price) => ({ price }))] },
      });
  return { amountDueCents: BigInt(invoice.amount_due), currency: invoice.currency, prorationDate: request.prorationDate };
}

/** The subscription's items with each old-plan price replaced by the new plan's price for the same role. */
export async function swappedItems(stripe: Stripe, request: Pick<InvoicePreviewRequest, 'subscriptionId' | 'toPlan' | 'prices'>): Promise<{ id: string; price: string }[]> {
  const subscription = await stripe.subscriptions.retrieve(request.subscriptionId!);
  const to = planItemLookupKeys(request.toPlan);
  // An item's role is its lookup key without the plan: any plan's, since the subscription may be
  // on a plan Signet no longer offers.
  const roles = ['monthly', ...METERS.map((meter) => `${meter}_metered`)];
  const roleOf = (lookupKey: string | null) => roles.indexOf(/^signet_[a-z]+_(.+)$/.exec(lookupKey ?? '')?.[1] ?? '');
  const items = subscription.items.data.flatMap((item) => {
    const role = roleOf(item.price.lookup_key);
    return role < 0 ? [] : [{ id: item.id, price: request.prices.get(to[role]!)! }];
  });
  if (!items.some((item) => item.price === request.prices.get(to[0]!))) {
    throw new AppError('BILLING_ACTION_REFUSED', `Stripe subscription ${subscription.id} has no Signet plan item to change`);
  }
  return items;
}
