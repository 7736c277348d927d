'use client';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART_AXIS, CHART_BAR_CURSOR, CHART_GRID, CHART_TOOLTIP, type ChartSeriesColor } from '@/components/chart-theme';
import { formatCount } from '@/components/format';
import type { DailyUsage, Meter } from '@/server/usage/ledger';

/** One bar per UTC day; a screen-reader summary stands in for the drawing. */
export function DailyUsageChart({ data, meter, label, color }: { data: DailyUsage[]; meter: Meter; label: string; color: ChartSeriesColor }) {
  const points = data.map((d) => ({ day: d.day.slice(8), date: d.day, value: Number(d[meter]) }));
  const total = data.reduce((sum, d) => sum + d[meter], 0n);
  const busiest = points.reduce((best, p) => (p.value > best.value ? p : best), points[0] ?? { date: '', value: 0 });
  return (
    <figure>
      <figcaption className="sr-only">
        {label} per day this month: {formatCount(total)} in total{busiest.value > 0 && `, most on ${busiest.date} (${formatCount(busiest.value)})`}.
      </figcaption>
      <div className="h-56" aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart accessibilityLayer={false} data={points} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={CHART_GRID} />
            <XAxis dataKey="day" {...CHART_AXIS} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} {...CHART_AXIS} width={48} tickFormatter={(v: number) => formatCount(v)} />
            <Tooltip formatter={(v) => [formatCount(Number(v)), label]} labelFormatter={(_l, payload) => String(payload?.[0]?.payload?.date ?? '')} {...CHART_TOOLTIP} cursor={CHART_BAR_CURSOR} />
            <Bar dataKey="value" fill={color} radius={[3, 3, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
