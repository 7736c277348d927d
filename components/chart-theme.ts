// Recharts takes colours as props; these name CSS variables (app/globals.css) that change with the theme.
export const CHART_GRID = 'var(--chart-grid)';
/** Spread on XAxis / YAxis: axis line and tick labels. */
export const CHART_AXIS = { stroke: 'var(--chart-axis)', tick: { fontSize: 11, fill: 'var(--chart-axis)' } };
/** Spread on Tooltip. */
export const CHART_TOOLTIP = {
  contentStyle: { backgroundColor: 'var(--chart-tooltip-bg)', borderColor: 'var(--chart-tooltip-border)', color: 'var(--chart-tooltip-text)', fontSize: 12 },
  labelStyle: { color: 'var(--chart-tooltip-text)' },
  itemStyle: { color: 'var(--chart-tooltip-text)' },
};
/** The band under the pointer in bar charts. */
export const CHART_BAR_CURSOR = { fill: 'var(--chart-cursor)' };
/** Series colours, by hue; each variable has a light and a dark value that hold ≥ 3:1 against the card behind the chart. */
export const CHART_SERIES = {
  indigo: 'var(--chart-series-indigo)',
  cyan: 'var(--chart-series-cyan)',
  emerald: 'var(--chart-series-emerald)',
  amber: 'var(--chart-series-amber)',
  red: 'var(--chart-series-red)',
  sky: 'var(--chart-series-sky)',
} as const;
export type ChartSeriesColor = (typeof CHART_SERIES)[keyof typeof CHART_SERIES];
