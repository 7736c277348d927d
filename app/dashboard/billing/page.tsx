import { HydrationBoundary } from '@tanstack/react-query';
import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { prefetched, serverCaller, serverTrpc, settle } from '@/trpc/server';
import { BillingOverview } from './billing-overview';

export const metadata = { title: 'Billing' };

export default async function BillingPage({ searchParams }: { searchParams: Promise<{ checkout?: string }> }) {
  const { membership } = await requireTenantMember();
  const { checkout } = await searchParams;
  const caller = await serverCaller();
  // The plan picker stays a client component (choosing, quotes): its catalog comes with the page.
  const [billing, history, plans] = await Promise.all([
    caller.billing.preview(),
    settle(caller.billing.history()),
    prefetched((c) => [c.prefetchQuery(serverTrpc.billing.plans.queryOptions())]),
  ]);
  return (
    <>
      <PageHeader title="Plans & billing" description="Your plan, this period's usage and charges from the usage ledger, and reconciliation reports." />
      <HydrationBoundary state={plans}>
        <BillingOverview isOwner={membership.role === 'owner'} checkoutResult={checkout === 'success' || checkout === 'canceled' ? checkout : null} billing={billing} history={history} />
      </HydrationBoundary>
    </>
  );
}
