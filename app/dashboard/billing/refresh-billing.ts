import type { QueryClient } from '@tanstack/react-query';
import type { useRouter } from 'next/navigation';
import type { useTRPC } from '@/lib/trpc-client';

/** After a plan change: the page's server-rendered parts render again, and billing queries cached in the browser refetch. */
export function refreshBilling(router: ReturnType<typeof useRouter>, queryClient: QueryClient, trpc: ReturnType<typeof useTRPC>) {
  router.refresh();
  return queryClient.invalidateQueries({ queryKey: trpc.billing.pathKey() });
}
