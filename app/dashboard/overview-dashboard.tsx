'use client';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { CHART_SERIES } from '@/components/chart-theme';
import { DateTime } from '@/components/date-time';
import { formatCount } from '@/components/format';
import { ProgressBar } from '@/components/progress-bar';
import { Alert, Card, EmptyState, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';
import { GettingStarted } from './getting-started';
import { ProjectedBill } from './projected-bill';

// Recharts is loaded only when there is something to draw, not with the page.
const DailyUsageChart = dynamic(() => import('./daily-usage-chart').then((m) => m.DailyUsageChart), { ssr: false, loading: () => <div className="h-56" /> });

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="rounded-lg bg-white dark:bg-slate-900 p-4 shadow-sm ring-1 ring-slate-200 dark:ring-slate-700">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-xl font-semibold text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  );
}

export function OverviewDashboard({ isOwner }: { isOwner: boolean }) {
  const trpc = useTRPC();
  // Always refetched on arrival: what changes it (a first exchange, a key) often happens elsewhere.
  const summary = useQuery(trpc.overview.summary.queryOptions(undefined, { staleTime: 0 }));
  if (summary.isPending) return <Spinner label="Loading this month's usage" />;
  if (summary.isError) return <Alert tone="error">Could not load the overview: {readableError(summary.error)}</Alert>;
  const { period, usage, daily, included, activeKeys, traces, lastExchange, onboarding } = summary.data;
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
      <ProjectedBill />
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
