import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { OverviewDashboard } from './overview-dashboard';

export const metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const { membership } = await requireTenantMember();
  return (
    <>
      <PageHeader title="Overview" description={`${membership.tenantName} · you are ${membership.role === 'owner' ? 'the owner' : 'a member'}`} />
      <OverviewDashboard isOwner={membership.role === 'owner'} />
    </>
  );
}
