'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { DateTime } from '@/components/date-time';
import { formatCount } from '@/components/format';
import { cx } from '@/components/cx';
import { Alert, Badge, Button, Card, Spinner } from '@/components/ui';
import { usdCents, usdExact } from '@/components/usd';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';
import { refreshBilling } from './refresh-billing';
import { PricingSource, StripePreviewFailed } from './pricing-source';
import { TierRanges } from './tier-ranges';

type Scheduled = { planId: string; planName: string; at: string } | null;

function timeLeft(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  return days > 0 ? `${days} day${days === 1 ? '' : 's'} ${hours} h` : `${hours} h ${Math.floor((seconds % 3_600) / 60)} min`;
}

/** What a change costs and when it takes effect, confirmed before anything changes. */
function ConfirmChange({ planId, testMode, onDone, onCancel }: { planId: string; testMode: boolean; onDone: (message: string) => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const quote = useQuery(trpc.billing.quote.queryOptions({ planId }, { staleTime: 0, gcTime: 0 }));
  const checkout = useMutation(trpc.billing.checkout.mutationOptions());
  const [error, setError] = useState<string | null>(null);

  if (quote.isPending) return <Spinner label="Working out the price" />;
  if (quote.isError) return <Alert tone="error">Could not price this change: {readableError(quote.error)}</Alert>;
  const q = quote.data;
  const upgrade = q.direction !== 'downgrade';
  const stripeFailed = q.pricing.source === 'local' && q.pricing.reason === 'stripe_failed' ? q.pricing.error : null;

  async function confirm() {
    setError(null);
    try {
      // Stripe prorates at the instant its preview priced the change, so the charge is the amount shown.
      const result = await checkout.mutateAsync({ planId, ...(q.pricing.source === 'stripe' && { previewedAt: q.pricing.prorationDate }) });
      if (result.kind === 'redirect') return window.location.assign(result.url);
      await refreshBilling(router, queryClient, trpc);
      onDone(
        result.kind === 'scheduled'
          ? `${q.to.name} is scheduled: it replaces ${q.from?.name ?? 'your plan'} at the end of this period.`
          : result.kind === 'changed'
            ? `Stripe has changed your subscription to ${q.to.name} and invoiced ${q.pricing.source === 'stripe' ? usdCents(q.dueNow) : 'the prorated difference'}. The plan switches here as soon as Stripe confirms it.`
            : `${q.to.name} is now active${testMode ? ' (test mode — no card charged)' : ''}.`,
      );
    } catch (err) {
      setError(readableError(err));
    }
  }

  return (
    <section aria-labelledby="confirm-change-title" data-testid="confirm-change" className="rounded-lg bg-slate-50 p-4 ring-1 ring-slate-300 dark:bg-slate-800/60 dark:ring-slate-600">
      <h3 id="confirm-change-title" className="text-base font-semibold text-slate-900 dark:text-slate-100">
        {q.from ? `${upgrade ? 'Upgrade' : 'Downgrade'} from ${q.from.name} to ${q.to.name}?` : `Start ${q.to.name}?`}
      </h3>
      {stripeFailed !== null && <StripePreviewFailed error={stripeFailed} retrying={quote.isFetching} onRetry={() => void quote.refetch()} />}
      <dl className="mt-3 grid gap-3 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-400">Monthly fee</dt>
          <dd className="mt-1 tabular-nums text-slate-900 dark:text-slate-100">
            {q.from ? `${usdExact(q.from.monthlyFee)} → ` : ''}
            {usdExact(q.to.monthlyFee)}{' '}
            {q.from && <span className="text-slate-600 dark:text-slate-400">({q.monthlyDifference >= 0n ? '+' : ''}{usdExact(q.monthlyDifference)} a month)</span>}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-400">{stripeFailed === null ? 'Charged now' : 'Charged now (estimate)'}</dt>
          <dd className="mt-1 tabular-nums text-slate-900 dark:text-slate-100" data-testid="due-now">
            {usdCents(q.dueNow)}
            <span className="block text-xs text-slate-600 dark:text-slate-400">
              {q.direction === 'upgrade'
                ? `the difference prorated for the ${timeLeft(q.secondsLeft)} left of this period`
                : q.direction === 'new'
                  ? 'the first month, in full'
                  : 'nothing: you keep the current plan until the period ends'}
            </span>
            <PricingSource pricing={q.pricing} />
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-400">Takes effect</dt>
          <dd className="mt-1 text-slate-900 dark:text-slate-100" data-testid="takes-effect">
            {q.effective === 'now' ? (
              'Immediately'
            ) : (
              <>
                At the end of this period, <DateTime value={q.effectiveAt} />
              </>
            )}
          </dd>
        </div>
      </dl>
      {error && (
        <div className="mt-3">
          <Alert tone="error">{error}</Alert>
        </div>
      )}
      <div className="mt-4 flex flex-wrap gap-2">
        <Button onClick={() => void confirm()} disabled={checkout.isPending}>
          {checkout.isPending ? 'Working…' : q.effective === 'now' ? `Confirm: ${q.from ? 'change' : 'start'} now` : `Confirm: switch on ${new Date(q.effectiveAt).toLocaleDateString(undefined, { dateStyle: 'medium' })}`}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={checkout.isPending}>
          Keep {q.from?.name ?? 'no plan'}
        </Button>
      </div>
    </section>
  );
}

/** The catalog as a pricing table; owners choose or change plans through the active provider. */
export function PlanPicker({ isOwner, currentPlanId, testMode, scheduled }: { isOwner: boolean; currentPlanId: string | null; testMode: boolean; scheduled: Scheduled }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const plans = useQuery(trpc.billing.plans.queryOptions());
  const [choosing, setChoosing] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const unschedule = useMutation(trpc.billing.cancelScheduled.mutationOptions({ onSuccess: () => refreshBilling(router, queryClient, trpc) }));

  return (
    <Card title="Plans">
      {plans.isPending ? (
        <Spinner label="Loading plans" />
      ) : plans.isError ? (
        <Alert tone="error">Could not load plans: {readableError(plans.error)}</Alert>
      ) : (
        <div className="space-y-4" id="plans">
          {done && <Alert tone="success">{done}</Alert>}
          {scheduled && (
            <div className="flex flex-wrap items-center justify-between gap-3 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-inset ring-amber-200 dark:bg-amber-950/40 dark:text-amber-100 dark:ring-amber-800" data-testid="scheduled-change">
              <p>
                Switching to <span className="font-semibold">{scheduled.planName}</span> at the end of this period (<DateTime value={scheduled.at} />).
              </p>
              {isOwner && (
                <Button variant="secondary" onClick={() => unschedule.mutate()} disabled={unschedule.isPending}>
                  Keep the current plan
                </Button>
              )}
            </div>
          )}
          {!isOwner && <p className="text-sm text-slate-600 dark:text-slate-400">Only the tenant owner can change the plan.</p>}
          <p className="text-xs text-slate-600 dark:text-slate-400">
            Upgrades take effect at once, prorated for what is left of the period; downgrades at the end of the period. Usage beyond the included units is charged in graduated tiers over the
            period&apos;s billable units:
          </p>
          <TierRanges tiers={plans.data.tiers} />
          {choosing && (
            <ConfirmChange
              key={choosing}
              planId={choosing}
              testMode={testMode}
              onCancel={() => setChoosing(null)}
              onDone={(message) => {
                setChoosing(null);
                setDone(message);
              }}
            />
          )}
          <ul className="grid gap-4 md:grid-cols-3">
            {plans.data.plans.map((plan) => {
              const current = plan.id === currentPlanId;
              return (
                <li key={plan.id} className={cx('flex flex-col rounded-lg p-4 ring-1', current ? 'bg-indigo-50 ring-2 ring-indigo-500 dark:bg-indigo-950/50' : 'ring-slate-200 dark:ring-slate-700')} data-testid={`plan-${plan.id}`}>
                  <div className="flex items-center justify-between gap-2">
                    <h3 className="text-base font-semibold text-slate-900 dark:text-slate-100">{plan.name}</h3>
                    {current && <Badge tone="indigo">Current plan</Badge>}
                  </div>
                  <p className="mt-2 text-2xl font-semibold tabular-nums text-slate-900 dark:text-slate-100">
                    {usdExact(plan.monthlyFee)}
                    <span className="text-sm font-normal text-slate-600 dark:text-slate-400"> / month</span>
                  </p>
                  <ul className="mt-3 flex-1 space-y-1 text-sm text-slate-700 dark:text-slate-300">
                    <li>{formatCount(plan.included.vex)} VEx included</li>
                    <li>{formatCount(plan.included.fu)} FU tokens included</li>
                  </ul>
                  <Button
                    className="mt-4"
                    variant={current ? 'secondary' : 'primary'}
                    disabled={!isOwner || current || choosing !== null}
                    onClick={() => {
                      setDone(null);
                      setChoosing(plan.id);
                    }}
                    aria-label={current ? `${plan.name} is your current plan` : `${currentPlanId ? 'Change to' : 'Choose'} ${plan.name}`}
                  >
                    {current ? 'Current plan' : currentPlanId ? `Change to ${plan.name}` : `Choose ${plan.name}`}
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
