'use client';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { formatCount } from '@/components/format';
import { Table, Td, Th } from '@/components/table';
import { Alert, Card, EmptyState, Spinner } from '@/components/ui';
import { usdCents } from '@/components/usd';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

const monthName = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonth = new Intl.DateTimeFormat('en-US', { month: 'short', year: '2-digit', timeZone: 'UTC' });
// Recharts loads with the chart, not with the page.
const UsageHistoryChart = dynamic(() => import('./usage-history-chart').then((m) => m.UsageHistoryChart), { ssr: false, loading: () => <div className="mb-4 h-48" /> });

/** The last 12 calendar months from the usage ledger, rated with the current terms. */
export function UsageHistory() {
  const trpc = useTRPC();
  const history = useQuery(trpc.billing.history.queryOptions());
  const used = history.data?.filter((row) => row.usage.vex > 0n || row.usage.fu > 0n) ?? [];
  return (
    <Card title="Usage history">
      {history.isPending ? (
        <Spinner label="Loading history" />
      ) : history.isError ? (
        <Alert tone="error">Could not load the history: {readableError(history.error)}</Alert>
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
