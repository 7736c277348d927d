import { HydrationBoundary } from '@tanstack/react-query';
import { PageHeader } from '@/components/ui';
import { prefetched, serverTrpc } from '@/trpc/server';
import { TenantsList } from './tenants-list';

export const metadata = { title: 'Tenants' };

export default async function AdminHome() {
  // The unfiltered list, answered on the server: the page arrives drawn; searching asks the API.
  const state = await prefetched((c) => [c.prefetchQuery(serverTrpc.admin.tenants.queryOptions({}))]);
  return (
    <>
      <PageHeader title="Tenants" description="Every tenant on this Signet deployment, with this month's verified exchanges (VEx, UTC calendar month)." />
      <HydrationBoundary state={state}>
        <TenantsList />
      </HydrationBoundary>
    </>
  );
}
