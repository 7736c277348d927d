import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { formatCount } from '@/components/format';
import { Alert, Card } from '@/components/ui';
import { usdCents } from '@/components/usd';
import type { AppRouter } from '@/trpc/root';
import type { Settled } from '@/trpc/server';

/** billing.preview, or why it failed: the card shows the reason and the rest of the page still renders. */
export type ProjectedBillData = Settled<inferRouterOutputs<AppRouter>['billing']['preview']>;

/** Projected bill: the billing engine's preview for the current period (billing.preview). */
export function ProjectedBill({ bill }: { bill: ProjectedBillData }) {
  return (
    <Card title="Projected bill" actions={<Link href="/dashboard/billing" className="text-sm font-medium text-indigo-700 dark:text-indigo-300 hover:underline">Plans & billing</Link>}>
      {!bill.ok ? (
        <Alert tone="error">Could not compute the projection: {bill.error}</Alert>
      ) : (
        <div className="space-y-3">
          <p className="text-3xl font-semibold tabular-nums text-slate-900 dark:text-slate-100">{usdCents(bill.value.preview.totalCents)}</p>
          <dl className="grid gap-1 text-sm text-slate-700 dark:text-slate-300 sm:grid-cols-3">
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">{bill.value.plan ? `${bill.value.plan.name} fee` : 'Subscription fee'}</dt>
              <dd className="tabular-nums">{usdCents(bill.value.preview.feeCents)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">VEx overage ({formatCount(bill.value.preview.meters.vex.billable)} billable)</dt>
              <dd className="tabular-nums">{usdCents(bill.value.preview.meters.vex.subtotalCents)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">FU overage ({formatCount(bill.value.preview.meters.fu.billable)} billable)</dt>
              <dd className="tabular-nums">{usdCents(bill.value.preview.meters.fu.subtotalCents)}</dd>
            </div>
          </dl>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            For the billing period {bill.value.period.start.toISOString().slice(0, 10)} – {bill.value.period.end.toISOString().slice(0, 10)} (UTC, end exclusive), if usage stopped now.
          </p>
        </div>
      )}
    </Card>
  );
}
