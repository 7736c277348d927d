// Getting started, from stored facts: a key exists, a receipt exists, a member opened a chain and
// saw it verify in the browser, a plan is chosen. The overview's checklist ticks itself off from these.
import { prisma } from '../db';

export interface OnboardingState {
  keyCreated: boolean;
  /** The tenant's first trace, once an exchange has succeeded. */
  firstTraceId: string | null;
  receiptViewed: boolean;
  receiptVerified: boolean;
  planChosen: boolean;
}

export async function onboardingState(tenantId: string): Promise<OnboardingState> {
  const [tenant, keys, first] = await Promise.all([
    prisma().tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { planId: true, receiptViewedAt: true, receiptVerifiedAt: true, reserved: { select: { tenantId: true } } } }),
    prisma().apiKey.count({ where: { tenantId } }),
    prisma().receipt.findFirst({ where: { tenantId }, orderBy: { id: 'asc' }, select: { traceId: true } }),
  ]);
  return {
    keyCreated: keys > 0,
    firstTraceId: first?.traceId ?? null,
    receiptViewed: tenant.receiptViewedAt !== null,
    receiptVerified: tenant.receiptVerifiedAt !== null,
    planChosen: tenant.planId !== null || tenant.reserved !== null,
  };
}

/** Records the first time a member opened a receipt chain, or saw one verify; later calls change nothing. */
export async function recordOnboarding(tenantId: string, step: 'viewed' | 'verified'): Promise<void> {
  const field = step === 'viewed' ? 'receiptViewedAt' : 'receiptVerifiedAt';
  await prisma().tenant.updateMany({ where: { id: tenantId, [field]: null }, data: { [field]: new Date() } });
}
