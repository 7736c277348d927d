import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { AllowlistEditor } from './allowlist-editor';
import { UrlTester } from './url-tester';

export const metadata = { title: 'Egress allowlist' };

export default async function AllowlistPage() {
  const { membership } = await requireTenantMember();
  return (
    <>
      <PageHeader
        title="Egress allowlist"
        description="Hosts Signet may forward your payloads to (forward_url). HTTPS only; private, loopback and link-local addresses are always refused."
      />
      <div className="space-y-6">
        <AllowlistEditor canManage={membership.role === 'owner'} />
        <UrlTester />
      </div>
    </>
  );
}
