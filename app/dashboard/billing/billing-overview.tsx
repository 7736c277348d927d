// The Billing page, rendered on the server from billing.preview and billing.history; the plan
// picker, the subscription controls and the downloads are the client parts. A change made
// through them refreshes this page's server render (router.refresh) as well as the client cache.
import type { inferRouterOutputs } from '@trpc/server';
import { SubscriptionBadge } from '@/app/admin/subscription-badge';
import { DateTime } from '@/components/date-time';
import { formatCount } from '@/components/format';
import { Alert, Badge, Card } from '@/components/ui';
import { usdCents, usdExact } from '@/components/usd';
import type { AppRouter } from '@/trpc/root';
import { ManageSubscription } from './manage-subscription';
import { PlanPicker } from './plan-picker';
import { PeriodPreview } from './period-preview';
import { ReconciliationDownload } from './reconciliation-download';
import { UsageHistory, type UsageHistoryData } from './usage-history';

type Billing = inferRouterOutputs<AppRouter>['billing']['preview'];

export function BillingOverview({ isOwner, checkoutResult, billing: d, history }: { isOwner: boolean; checkoutResult: 'success' | 'canceled' | null; billing: Billing; history: UsageHistoryData }) {
  const localTest = d.provider.kind === 'local';

  return (
    <div className="space-y-6">
      {checkoutResult === 'success' && <Alert tone="success">Checkout complete. Your plan becomes active as soon as Stripe confirms the subscription.</Alert>}
      {checkoutResult === 'canceled' && <Alert tone="warning">Checkout was canceled; your plan has not changed.</Alert>}
      {localTest && (
        <Alert tone="info">
          <span className="font-semibold">Test mode — no card charged.</span> Signet is running without Stripe (no STRIPE_SECRET_KEY), so plan changes go through the local billing provider: upgrades take effect at once, downgrades at the end of the period.
        </Alert>
      )}

      <Card
        title="Current plan"
        actions={
          <div className="flex items-center gap-2">
            {localTest ? <Badge tone="amber">Test mode — no card charged</Badge> : d.provider.testMode ? <Badge tone="amber">Stripe test mode</Badge> : <Badge tone="indigo">Stripe</Badge>}
          </div>
        }
      >
        <div className="flex flex-wrap items-start justify-between gap-4">
          <dl className="grid flex-1 grid-cols-1 gap-4 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Plan</dt>
              <dd className="mt-1 text-lg font-semibold text-slate-900 dark:text-slate-100" data-testid="current-plan">
                {d.plan?.name ?? 'No plan'}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Status</dt>
              <dd className="mt-1" data-testid="subscription-status">
                <SubscriptionBadge status={d.subscriptionStatus} />
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Monthly fee</dt>
              <dd className="mt-1 tabular-nums text-slate-900 dark:text-slate-100">{usdCents(d.preview.feeCents)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Billing period</dt>
              <dd className="mt-1 text-slate-900 dark:text-slate-100">
                <DateTime value={d.period.start} /> – <DateTime value={d.period.end} />
              </dd>
            </div>
          </dl>
          {isOwner && <ManageSubscription provider={d.provider.kind} hasPlan={d.plan !== null && d.subscriptionStatus !== 'canceled'} />}
        </div>
        {d.basis === 'reserved' && d.reserved && (
          <p className="mt-4 rounded-md bg-indigo-50 dark:bg-indigo-950/40 px-3 py-2 text-sm text-indigo-900 dark:text-indigo-200" data-testid="reserved-summary">
            Reserved capacity: {formatCount(d.reserved.vex)} VEx and {formatCount(d.reserved.fu)} FU tokens this period, replacing the plan&apos;s included units, with your own overage tiers.
          </p>
        )}
      </Card>

      <PlanPicker isOwner={isOwner} currentPlanId={d.subscriptionStatus === 'canceled' ? null : (d.plan?.id ?? null)} testMode={localTest} scheduled={d.scheduledChange} />

      <Card title="This period">
        <PeriodPreview preview={d.preview} basis={d.basis} />
        <p className="mt-4 text-sm text-slate-600 dark:text-slate-400">
          Next VEx costs <span className="font-medium tabular-nums text-slate-900 dark:text-slate-100">{usdExact(d.preview.meters.vex.nextUnitPrice)}</span>; next FU token costs{' '}
          <span className="font-medium tabular-nums text-slate-900 dark:text-slate-100">{usdExact(d.preview.meters.fu.nextUnitPrice)}</span>.
        </p>
      </Card>

      <UsageHistory history={history} />
      <ReconciliationDownload tenantId={d.tenantId} />
    </div>
  );
}
