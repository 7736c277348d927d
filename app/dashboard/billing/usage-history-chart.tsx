'use client';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART_AXIS, CHART_BAR_CURSOR, CHART_GRID, CHART_SERIES, CHART_TOOLTIP } from '@/components/chart-theme';
import { formatCount } from '@/components/format';

/** VEx per month; a screen-reader summary stands in for the drawing (the table below has the figures). */
export function UsageHistoryChart({ months }: { months: { label: string; vex: bigint }[] }) {
  const points = months.map((m) => ({ month: m.label, value: Number(m.vex) }));
  return (
    <figure className="mb-4">
      <figcaption className="sr-only">Verified exchanges per month: {months.map((m) => `${m.label} ${formatCount(m.vex)}`).join(', ')}.</figcaption>
      <div className="h-48" aria-hidden data-testid="usage-history-chart">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart accessibilityLayer={false} data={points} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={CHART_GRID} />
            <XAxis dataKey="month" {...CHART_AXIS} />
            <YAxis allowDecimals={false} {...CHART_AXIS} width={56} tickFormatter={(v: number) => formatCount(v)} />
            <Tooltip formatter={(v) => [formatCount(Number(v)), 'VEx']} {...CHART_TOOLTIP} cursor={CHART_BAR_CURSOR} />
            <Bar dataKey="value" fill={CHART_SERIES.indigo} radius={[3, 3, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
