import { HydrationBoundary } from '@tanstack/react-query';
import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { prefetched, serverTrpc } from '@/trpc/server';
import { BillingOverview } from './billing-overview';

export const metadata = { title: 'Billing' };

export default async function BillingPage({ searchParams }: { searchParams: Promise<{ checkout?: string }> }) {
  const { membership } = await requireTenantMember();
  const { checkout } = await searchParams;
  // The page's queries answered on the server: it arrives drawn, and its plan changes still refresh it through the client's cache.
  const state = await prefetched((c) => [
    c.prefetchQuery(serverTrpc.billing.preview.queryOptions()),
    c.prefetchQuery(serverTrpc.billing.plans.queryOptions()),
    c.prefetchQuery(serverTrpc.billing.history.queryOptions()),
  ]);
  return (
    <>
      <PageHeader title="Plans & billing" description="Your plan, this period's usage and charges from the usage ledger, and reconciliation reports." />
      <HydrationBoundary state={state}>
        <BillingOverview isOwner={membership.role === 'owner'} checkoutResult={checkout === 'success' || checkout === 'canceled' ? checkout : null} />
      </HydrationBoundary>
    </>
  );
}
