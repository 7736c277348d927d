import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { BillingOverview } from './billing-overview';

export const metadata = { title: 'Billing' };

export default async function BillingPage({ searchParams }: { searchParams: Promise<{ checkout?: string }> }) {
  const { membership } = await requireTenantMember();
  const { checkout } = await searchParams;
  return (
    <>
      <PageHeader title="Plans & billing" description="Your plan, this period's usage and charges from the usage ledger, and reconciliation reports." />
      <BillingOverview isOwner={membership.role === 'owner'} checkoutResult={checkout === 'success' || checkout === 'canceled' ? checkout : null} />
    </>
  );
}
