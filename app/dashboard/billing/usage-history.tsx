import type { inferRouterOutputs } from '@trpc/server';
import { formatCount } from '@/components/format';
import { Table, Td, Th } from '@/components/table';
import { Alert, Card, EmptyState } from '@/components/ui';
import { usdCents } from '@/components/usd';
import type { AppRouter } from '@/trpc/root';
import type { Settled } from '@/trpc/server';
import { UsageHistoryChart } from './usage-history-chart-loader';

export type UsageHistoryData = Settled<inferRouterOutputs<AppRouter>['billing']['history']>;

const monthName = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonth = new Intl.DateTimeFormat('en-US', { month: 'short', year: '2-digit', timeZone: 'UTC' });

/** The last 12 calendar months from the usage ledger, rated with the current terms. */
export function UsageHistory({ history }: { history: UsageHistoryData }) {
  const used = history.ok ? history.value.filter((row) => row.usage.vex > 0n || row.usage.fu > 0n) : [];
  return (
    <Card title="Usage history">
      {!history.ok ? (
        <Alert tone="error">Could not load the history: {history.error}</Alert>
      ) : used.length === 0 ? (
        <EmptyState title="No usage in the last 12 months">Verified exchanges and fallback tokens appear here by month.</EmptyState>
      ) : (
        <>
          <UsageHistoryChart months={[...used].sort((a, b) => a.period.start.getTime() - b.period.start.getTime()).map((row) => ({ label: shortMonth.format(row.period.start), vex: row.usage.vex }))} />
          <Table caption="Usage and charges per month" pinLastColumn>
            <thead>
              <tr>
                <Th>Month (UTC)</Th>
                <Th className="text-right">VEx</Th>
                <Th className="text-right">FU tokens</Th>
                <Th className="text-right">Overage</Th>
                <Th className="text-right">Total</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {used.map((row) => (
                <tr key={row.period.start.toISOString()}>
                  <Td>{monthName.format(row.period.start)}</Td>
                  <Td className="text-right tabular-nums">{formatCount(row.usage.vex)}</Td>
                  <Td className="text-right tabular-nums">{formatCount(row.usage.fu)}</Td>
                  <Td className="text-right tabular-nums">{usdCents(row.preview.meters.vex.subtotalCents + row.preview.meters.fu.subtotalCents)}</Td>
                  <Td className="text-right tabular-nums">{usdCents(row.preview.totalCents)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">Months without usage are omitted. Amounts use your current plan or reserved capacity.</p>
        </>
      )}
    </Card>
  );
}
