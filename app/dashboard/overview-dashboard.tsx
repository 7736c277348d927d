// The Overview, rendered on the server from overview.summary and billing.preview: nothing here
// runs in the browser but the dates (reader's time zone) and, when there is usage, the charts.
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { CHART_SERIES } from '@/components/chart-theme';
import { DateTime } from '@/components/date-time';
import { formatCount } from '@/components/format';
import { ProgressBar } from '@/components/progress-bar';
import { Card, EmptyState } from '@/components/ui';
import type { AppRouter } from '@/trpc/root';
import { DailyUsageChart } from './daily-usage-chart-loader';
import { GettingStarted } from './getting-started';
import { ProjectedBill, type ProjectedBillData } from './projected-bill';

export type OverviewSummary = inferRouterOutputs<AppRouter>['overview']['summary'];

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="rounded-lg bg-white dark:bg-slate-900 p-4 shadow-sm ring-1 ring-slate-200 dark:ring-slate-700">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-xl font-semibold text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  );
}

export function OverviewDashboard({ isOwner, summary, bill }: { isOwner: boolean; summary: OverviewSummary; bill: ProjectedBillData }) {
  const { period, usage, daily, included, activeKeys, traces, lastExchange, onboarding } = summary;
  const month = period.start.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const includedFrom = included.source === 'reserved' ? 'reserved capacity' : included.source === 'plan' ? `the ${included.planName} plan` : null;

  return (
    <div className="space-y-6">
      <GettingStarted state={onboarding} isOwner={isOwner} />
      <dl className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <Fact label="Active API keys">
          <Link href="/dashboard/keys" className="hover:underline">
            {formatCount(activeKeys)}
          </Link>
        </Fact>
        <Fact label={`Traces in ${month}`}>
          <Link href="/dashboard/receipts" className="hover:underline">
            {formatCount(traces)}
          </Link>
        </Fact>
        <Fact label="Last exchange">
          <span className="text-base">
            <DateTime value={lastExchange} empty="none yet" />
          </span>
        </Fact>
      </dl>
      <Card title={`Usage in ${month} (UTC)`}>
        <div className="space-y-4">
          {/* Without a plan nothing is included: "0 VEx (no limit)", not "0 VEx included". */}
          <ProgressBar label="Verified exchanges (VEx)" used={usage.vex} limit={includedFrom ? included.vex : null} unit={includedFrom ? 'VEx included' : 'VEx'} />
          <ProgressBar label="LLM fallback (FU tokens)" used={usage.fu} limit={includedFrom ? included.fu : null} unit={includedFrom ? 'FU included' : 'FU tokens'} />
          {includedFrom ? (
            <p className="text-xs text-slate-600 dark:text-slate-400">Included units come from {includedFrom}; usage beyond them is billed as overage.</p>
          ) : (
            <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="no-plan">
              <span className="font-medium">No plan yet: every unit counts as overage.</span> A plan includes a monthly allowance of exchanges and fallback tokens; without one, each unit is billed at the
              overage price from the first. <Link href="/dashboard/billing#plans" className="font-medium text-indigo-700 underline dark:text-indigo-300">Compare plans</Link>
            </p>
          )}
        </div>
      </Card>
      <ProjectedBill bill={bill} />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="VEx per day">
          {usage.vex === 0n ? <EmptyState title="No usage yet">Verified exchanges appear here by day.</EmptyState> : <DailyUsageChart data={daily} meter="vex" label="VEx" color={CHART_SERIES.indigo} />}
        </Card>
        <Card title="FU tokens per day">
          {usage.fu === 0n ? <EmptyState title="No usage yet">Tokens spent by the LLM fallback appear here by day.</EmptyState> : <DailyUsageChart data={daily} meter="fu" label="FU tokens" color={CHART_SERIES.cyan} />}
        </Card>
      </div>
    </div>
  );
}
