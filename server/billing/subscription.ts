// The one state transition for a tenant's subscription. Stripe webhooks and the local provider's
// checkout both end here, so the product sees the same tenant state whichever provider is active.
import { audit, NO_ACTOR } from '../audit/log';
import type { Prisma } from '../db/generated/client';
import type { Tx } from '../db/transaction';
import type { SubscriptionStateChange } from './stripe/webhooks';

export type ProviderKind = 'local' | 'stripe';

export interface AppliedChange {
  tenantId: string;
  planId: string | null;
  status: string;
}

/**
 * Applies a subscription state change to its tenant (found by tenant id, else Stripe customer or
 * subscription id), in the caller's transaction with its audit entry. Returns null when the
 * change names no known tenant or is stale: invoice events and deletions only apply to the
 * tenant's current subscription.
 */
export async function applySubscriptionChange(change: SubscriptionStateChange, provider: ProviderKind, tx: Tx): Promise<AppliedChange | null> {
  const tenant = await findTenant(tx, change);
  if (!tenant) return null;
  const current = tenant.stripeSubscriptionId;
  const aboutAnotherSubscription = current !== null && change.subscriptionId !== null && change.subscriptionId !== current;
  const onlyForCurrent = change.type === 'invoice.paid' || change.type === 'invoice.payment_failed' || change.type === 'customer.subscription.deleted';
  if (onlyForCurrent && aboutAnotherSubscription) return null;

  const plan = change.planLookupKey ? await tx.plan.findUnique({ where: { lookupKey: change.planLookupKey } }) : null;
  const data: Prisma.TenantUpdateInput = { billingProvider: provider, subscriptionStatus: change.status };
  if (change.customerId) data.stripeCustomerId = change.customerId;
  if (change.type === 'customer.subscription.deleted') {
    Object.assign(data, { plan: { disconnect: true }, stripeSubscriptionId: null, periodStart: null, periodEnd: null });
  } else {
    if (change.subscriptionId) data.stripeSubscriptionId = change.subscriptionId;
    if (plan) data.plan = { connect: { id: plan.id } };
    if (change.periodStart && change.periodEnd) Object.assign(data, { periodStart: change.periodStart, periodEnd: change.periodEnd });
  }
  const updated = await tx.tenant.update({ where: { id: tenant.id }, data, select: { id: true, planId: true, subscriptionStatus: true } });
  await audit(tx, NO_ACTOR, 'billing.subscription', {
    tenantId: tenant.id,
    target: change.subscriptionId ?? change.eventId,
    detail: { provider, event: change.type, event_id: change.eventId, status: change.status, plan: updated.planId },
  });
  return { tenantId: updated.id, planId: updated.planId, status: updated.subscriptionStatus };
}

async function findTenant(tx: Tx, change: SubscriptionStateChange) {
  if (change.tenantId) {
    const byId = await tx.tenant.findUnique({ where: { id: change.tenantId } });
    if (byId) return byId;
  }
  if (change.customerId) {
    const byCustomer = await tx.tenant.findUnique({ where: { stripeCustomerId: change.customerId } });
    if (byCustomer) return byCustomer;
  }
  return change.subscriptionId ? tx.tenant.findUnique({ where: { stripeSubscriptionId: change.subscriptionId } }) : null;
}
