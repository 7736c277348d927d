import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { VerifyBill } from './verify-bill';

export const metadata = { title: 'Verify my bill' };

export default async function VerifyBillPage() {
  const { membership } = await requireTenantMember();
  return (
    <>
      <PageHeader
        title="Verify my bill"
        description="Download the proof of every unit billed in a period and check it here, in your browser: each receipt's place in the transparency log, each batch's Merkle root, the charges re-rated from the tariff, and what the billing provider recorded."
      />
      <VerifyBill tenantId={membership.tenantId} />
    </>
  );
}
