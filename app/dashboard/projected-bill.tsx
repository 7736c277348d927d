'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatCount } from '@/components/format';
import { Alert, Card, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';
import { usdCents } from '@/components/usd';

/** Projected bill: the billing engine's preview for the current period (billing.preview). */
export function ProjectedBill() {
  const trpc = useTRPC();
  const billing = useQuery(trpc.billing.preview.queryOptions());
  return (
    <Card title="Projected bill" actions={<Link href="/dashboard/billing" className="text-sm font-medium text-indigo-700 dark:text-indigo-300 hover:underline">Plans & billing</Link>}>
      {billing.isPending ? (
        <Spinner label="Rating this period" />
      ) : billing.isError ? (
        <Alert tone="error">Could not compute the projection: {readableError(billing.error)}</Alert>
      ) : (
        <div className="space-y-3">
          <p className="text-3xl font-semibold tabular-nums text-slate-900 dark:text-slate-100">{usdCents(billing.data.preview.totalCents)}</p>
          <dl className="grid gap-1 text-sm text-slate-700 dark:text-slate-300 sm:grid-cols-3">
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">{billing.data.plan ? `${billing.data.plan.name} fee` : 'Subscription fee'}</dt>
              <dd className="tabular-nums">{usdCents(billing.data.preview.feeCents)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">VEx overage ({formatCount(billing.data.preview.meters.vex.billable)} billable)</dt>
              <dd className="tabular-nums">{usdCents(billing.data.preview.meters.vex.subtotalCents)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">FU overage ({formatCount(billing.data.preview.meters.fu.billable)} billable)</dt>
              <dd className="tabular-nums">{usdCents(billing.data.preview.meters.fu.subtotalCents)}</dd>
            </div>
          </dl>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            For the billing period {billing.data.period.start.toISOString().slice(0, 10)} – {billing.data.period.end.toISOString().slice(0, 10)} (UTC, end exclusive), if usage stopped now.
          </p>
        </div>
      )}
    </Card>
  );
}
