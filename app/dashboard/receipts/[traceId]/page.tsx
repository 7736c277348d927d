import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CopyButton } from '@/components/copy-button';
import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { loadChain } from '@/server/chains/repository';
import { recordOnboarding } from '@/server/tenants/onboarding';
import { ChainView } from './chain-view';

export const metadata = { title: 'Receipt chain' };

export default async function TracePage({ params }: { params: Promise<{ traceId: string }> }) {
  const { membership } = await requireTenantMember();
  const { traceId } = await params;
  // Scoped to the member's tenant: another tenant's trace is indistinguishable from none.
  const chain = await loadChain(membership.tenantId, traceId);
  if (!chain) notFound();
  await recordOnboarding(membership.tenantId, 'viewed');
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/dashboard/receipts" className="text-indigo-700 dark:text-indigo-300 hover:underline">
          ← All receipts
        </Link>
      </p>
      <PageHeader
        title="Receipt chain"
        description={
          <span className="flex flex-wrap items-center gap-2">
            <span className="break-all font-mono">{traceId}</span>
            <CopyButton value={traceId} label="Copy trace id" className="px-2 py-0.5 text-xs" />
          </span>
        }
      />
      <ChainView traceId={traceId} chain={chain} />
    </>
  );
}
