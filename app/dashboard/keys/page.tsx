import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { KeysManager } from './keys-manager';

export const metadata = { title: 'API keys' };

export default async function KeysPage() {
  const { membership } = await requireTenantMember();
  const owner = membership.role === 'owner';
  return (
    <>
      <PageHeader
        title="API keys"
        description={owner ? 'Keys authenticate your apps to POST /v1/exchange. Secrets are shown once, at creation.' : 'Keys authenticate your apps to POST /v1/exchange. Only owners can create, rotate or revoke keys.'}
      />
      <KeysManager canManage={owner} />
    </>
  );
}
