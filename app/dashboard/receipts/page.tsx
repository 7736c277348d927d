import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { ReceiptList } from './receipt-list';

export const metadata = { title: 'Receipts' };

export default async function ReceiptsPage() {
  await requireTenantMember();
  return (
    <>
      <PageHeader title="Receipts" description="Every exchange appends a signed, hash-linked receipt to its trace, newest first. Open a trace to inspect, verify and export its chain." />
      <ReceiptList />
    </>
  );
}
