import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { TeamManager } from './team-manager';

export const metadata = { title: 'Team' };

export default async function TeamPage() {
  const { principal, membership } = await requireTenantMember();
  return (
    <>
      <PageHeader title="Team" description="Owners manage keys, settings and the team; members can view everything." />
      <TeamManager canManage={membership.role === 'owner'} currentUserId={principal.userId} />
    </>
  );
}
