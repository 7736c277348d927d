import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { FallbackSettings } from './fallback-settings';

export const metadata = { title: 'LLM fallback' };

export default async function FallbackPage() {
  const { membership } = await requireTenantMember();
  return (
    <>
      <PageHeader
        title="LLM fallback"
        description="When a tool call's arguments cannot be repaired deterministically, an LLM may repair them. Each repair is metered in FU tokens and recorded on the receipt."
      />
      <FallbackSettings canManage={membership.role === 'owner'} />
    </>
  );
}
