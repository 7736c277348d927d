import { HydrationBoundary } from '@tanstack/react-query';
import { PageHeader } from '@/components/ui';
import { prefetched, serverTrpc } from '@/trpc/server';
import { ReceiptVerifier } from './receipt-verifier';

export const metadata = { title: 'Verify receipts' };

export default async function AuditorHome({ searchParams }: { searchParams: Promise<{ trace?: string | string[]; tenant?: string | string[] }> }) {
  const { trace, tenant } = await searchParams;
  // The traces to pick from, answered on the server: the form arrives complete.
  const state = await prefetched((c) => [c.prefetchQuery(serverTrpc.auditor.traces.queryOptions({}))]);
  return (
    <>
      <PageHeader
        title="Verify receipts"
        description="Check an export bundle's hashes, links and Ed25519 signatures entirely in your browser, against the public keys you choose."
      />
      <HydrationBoundary state={state}>
        <ReceiptVerifier initialTraceId={typeof trace === 'string' ? trace : ''} initialTenantId={typeof tenant === 'string' ? tenant : ''} />
      </HydrationBoundary>
    </>
  );
}
