'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatCount } from '@/components/format';
import { Alert, Badge, Button, Card, Spinner, cx } from '@/components/ui';
import { usdExact } from '@/components/usd';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

/** The catalog as a pricing table; owners choose or change plans through the active provider. */
export function PlanPicker({ isOwner, currentPlanId, testMode }: { isOwner: boolean; currentPlanId: string | null; testMode: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const plans = useQuery(trpc.billing.plans.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const checkout = useMutation(trpc.billing.checkout.mutationOptions());

  async function choose(planId: string, name: string) {
    setError(null);
    setDone(null);
    try {
      const result = await checkout.mutateAsync({ planId });
      if (result.kind === 'redirect') {
        window.location.assign(result.url);
        return;
      }
      setDone(`${name} is now active${testMode ? ' (test mode — no card charged)' : ''}.`);
      await queryClient.invalidateQueries({ queryKey: trpc.billing.pathKey() });
    } catch (err) {
      setError(readableError(err));
    }
  }

  const prices = (meter: 'vex' | 'fu') => plans.data?.tiers[meter].map((t) => usdExact(t.unitPrice)).join(' → ') ?? '';
  const overage = `Overage per VEx ${prices('vex')}; per FU token ${prices('fu')}`;

  return (
    <Card title="Plans">
      {plans.isPending ? (
        <Spinner label="Loading plans" />
      ) : plans.isError ? (
        <Alert tone="error">Could not load plans: {readableError(plans.error)}</Alert>
      ) : (
        <div className="space-y-4">
          {error && <Alert tone="error">{error}</Alert>}
          {done && <Alert tone="success">{done}</Alert>}
          {!isOwner && <p className="text-sm text-slate-600">Only the tenant owner can change the plan.</p>}
          <p className="text-xs text-slate-500">Usage beyond the included units is charged in graduated tiers over the period&apos;s billable units.</p>
          <ul className="grid gap-4 md:grid-cols-3">
            {plans.data.plans.map((plan) => {
              const current = plan.id === currentPlanId;
              const pending = checkout.isPending && checkout.variables?.planId === plan.id;
              return (
                <li key={plan.id} className={cx('flex flex-col rounded-lg p-4 ring-1', current ? 'bg-indigo-50 ring-2 ring-indigo-500' : 'ring-slate-200')} data-testid={`plan-${plan.id}`}>
                  <div className="flex items-center justify-between gap-2">
                    <h3 className="text-base font-semibold text-slate-900">{plan.name}</h3>
                    {current && <Badge tone="indigo">Current plan</Badge>}
                  </div>
                  <p className="mt-2 text-2xl font-semibold tabular-nums text-slate-900">
                    {usdExact(plan.monthlyFee)}
                    <span className="text-sm font-normal text-slate-500"> / month</span>
                  </p>
                  <ul className="mt-3 flex-1 space-y-1 text-sm text-slate-700">
                    <li>{formatCount(plan.included.vex)} VEx included</li>
                    <li>{formatCount(plan.included.fu)} FU tokens included</li>
                    <li className="text-xs text-slate-500">{overage}</li>
                  </ul>
                  <Button
                    className="mt-4"
                    variant={current ? 'secondary' : 'primary'}
                    disabled={!isOwner || current || checkout.isPending}
                    onClick={() => void choose(plan.id, plan.name)}
                    aria-label={current ? `${plan.name} is your current plan` : `${currentPlanId ? 'Change to' : 'Choose'} ${plan.name}`}
                  >
                    {pending ? 'Working…' : current ? 'Current plan' : currentPlanId ? `Change to ${plan.name}` : `Choose ${plan.name}`}
                  </Button>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </Card>
  );
}
