import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { serverCaller, settle } from '@/trpc/server';
import { OverviewDashboard } from './overview-dashboard';

export const metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const { membership } = await requireTenantMember();
  const caller = await serverCaller();
  // Rendered per request (the layout is dynamic), so a first exchange or a new key made elsewhere shows on arrival.
  const [summary, bill] = await Promise.all([
    caller.overview.summary(),
    settle(caller.billing.preview()),
  ]);
  return (
    <>
      <PageHeader title="Overview" description={`${membership.tenantName} · you are ${membership.role === 'owner' ? 'the owner' : 'a member'}`} />
      <OverviewDashboard isOwner={membership.role === 'owner'} summary={summary} bill={bill} />
    </>
  );
}
