'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert, Button } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';
import { refreshBilling } from './refresh-billing';

/** Stripe: opens the Customer Portal. Local provider: cancels here (plan changes use the table below). */
export function ManageSubscription({ provider, hasPlan }: { provider: 'local' | 'stripe'; hasPlan: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const portal = useMutation(trpc.billing.portal.mutationOptions());
  const cancel = useMutation(trpc.billing.cancel.mutationOptions({ onSuccess: () => refreshBilling(router, queryClient, trpc) }));
  const [confirming, setConfirming] = useState(false);
  const error = portal.error ?? cancel.error;

  async function openPortal() {
    const result = await portal.mutateAsync();
    if (result.kind === 'redirect') window.location.assign(result.url);
  }

  return (
    <div className="flex max-w-xs flex-col items-end gap-2">
      {provider === 'stripe' ? (
        <Button variant="secondary" disabled={portal.isPending} onClick={() => void openPortal().catch(() => {})}>
          {portal.isPending ? 'Opening…' : 'Manage subscription'}
        </Button>
      ) : hasPlan && !confirming ? (
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          Cancel subscription
        </Button>
      ) : hasPlan ? (
        <div className="flex flex-wrap justify-end gap-2" role="group" aria-label="Confirm cancellation">
          <Button variant="danger" disabled={cancel.isPending} onClick={() => cancel.mutate(undefined, { onSettled: () => setConfirming(false) })}>
            {cancel.isPending ? 'Canceling…' : 'Yes, cancel'}
          </Button>
          <Button variant="ghost" onClick={() => setConfirming(false)}>
            Keep plan
          </Button>
        </div>
      ) : null}
      {error && <Alert tone="error">{readableError(error)}</Alert>}
    </div>
  );
}
