'use client';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReactNode } from 'react';
import { CHART_AXIS, CHART_BAR_CURSOR, CHART_GRID, CHART_SERIES, CHART_TOOLTIP } from '@/components/chart-theme';
import { Card } from '@/components/ui';

export interface ChartMonth {
  month: string;
  successWithoutFallback: number | null;
  fallbackRate: number | null;
  p50: number | null;
  p95: number | null;
  mrr: number;
  expansion: number;
  contraction: number;
  overage: number;
  vex: number;
}

// Legend labels in the text colour (Recharts colours them like their series: too faint on dark).
const legendLabel = (value: string) => <span className="text-slate-700 dark:text-slate-300">{value}</span>;
const usd = (v: number) => `$${v.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;

/** A chart with a text summary for screen readers; the per-month table below has every figure. */
function Chart({ title, summary, children }: { title: string; summary: string; children: ReactNode }) {
  return (
    <Card title={title}>
      <figure>
        <figcaption className="sr-only">{summary}</figcaption>
        <div className="h-56" aria-hidden>
          <ResponsiveContainer width="100%" height="100%">
            {children as React.ReactElement}
          </ResponsiveContainer>
        </div>
      </figure>
    </Card>
  );
}

export function KpiCharts({ months }: { months: ChartMonth[] }) {
  const last = months.at(-1);
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Chart title="Success without fallback and fallback rate (%)" summary={`This month: ${last?.successWithoutFallback?.toFixed(1) ?? 'no'} % succeeded without fallback, fallback rate ${last?.fallbackRate?.toFixed(1) ?? 'none'} %.`}>
        <LineChart accessibilityLayer={false} data={months} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={CHART_GRID} />
          <XAxis dataKey="month" {...CHART_AXIS} />
          <YAxis {...CHART_AXIS} width={40} domain={[0, 100]} />
          <Tooltip formatter={(v) => `${Number(v).toFixed(1)} %`} {...CHART_TOOLTIP} />
          <Legend formatter={legendLabel} />
          <Line type="monotone" dataKey="successWithoutFallback" name="OK without fallback" stroke={CHART_SERIES.emerald} isAnimationActive={false} connectNulls />
          <Line type="monotone" dataKey="fallbackRate" name="Fallback rate" stroke={CHART_SERIES.amber} isAnimationActive={false} connectNulls />
        </LineChart>
      </Chart>
      <Chart title="Added latency (ms)" summary={`This month: p50 ${last?.p50?.toFixed(1) ?? 'none'} ms, p95 ${last?.p95?.toFixed(1) ?? 'none'} ms (objective p95 ≤ 40 ms).`}>
        <LineChart accessibilityLayer={false} data={months} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={CHART_GRID} />
          <XAxis dataKey="month" {...CHART_AXIS} />
          <YAxis {...CHART_AXIS} width={40} />
          <Tooltip formatter={(v) => `${Number(v).toFixed(1)} ms`} {...CHART_TOOLTIP} />
          <Legend formatter={legendLabel} />
          <Line type="monotone" dataKey="p50" name="p50" stroke={CHART_SERIES.indigo} isAnimationActive={false} connectNulls />
          <Line type="monotone" dataKey="p95" name="p95" stroke={CHART_SERIES.red} isAnimationActive={false} connectNulls />
        </LineChart>
      </Chart>
      <Chart title="MRR, expansion and contraction (USD)" summary={`MRR this month: ${usd(last?.mrr ?? 0)}; expansion ${usd(last?.expansion ?? 0)}, contraction ${usd(-(last?.contraction ?? 0))}.`}>
        <BarChart accessibilityLayer={false} data={months} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={CHART_GRID} />
          <XAxis dataKey="month" {...CHART_AXIS} />
          <YAxis {...CHART_AXIS} width={64} tickFormatter={usd} />
          <Tooltip formatter={(v) => usd(Number(v))} {...CHART_TOOLTIP} cursor={CHART_BAR_CURSOR} />
          <Legend formatter={legendLabel} />
          <Bar dataKey="mrr" name="MRR" fill={CHART_SERIES.indigo} isAnimationActive={false} />
          <Bar dataKey="expansion" name="Expansion" fill={CHART_SERIES.emerald} isAnimationActive={false} />
          <Bar dataKey="contraction" name="Contraction" fill={CHART_SERIES.red} isAnimationActive={false} />
        </BarChart>
      </Chart>
      <Chart title="Usage (VEx) and overage revenue" summary={`This month: ${last?.vex ?? 0} VEx, overage ${usd(last?.overage ?? 0)}.`}>
        <BarChart accessibilityLayer={false} data={months} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={CHART_GRID} />
          <XAxis dataKey="month" {...CHART_AXIS} />
          <YAxis yAxisId="vex" {...CHART_AXIS} width={56} />
          <YAxis yAxisId="usd" orientation="right" {...CHART_AXIS} width={56} tickFormatter={usd} />
          <Tooltip {...CHART_TOOLTIP} cursor={CHART_BAR_CURSOR} />
          <Legend formatter={legendLabel} />
          <Bar yAxisId="vex" dataKey="vex" name="VEx" fill={CHART_SERIES.sky} isAnimationActive={false} />
          <Bar yAxisId="usd" dataKey="overage" name="Overage (USD)" fill={CHART_SERIES.amber} isAnimationActive={false} />
        </BarChart>
      </Chart>
    </div>
  );
}
