// The itemized invoice preview: fee, per meter the used and included units and each overage
// tier as units × unit price, subtotals and the total (cents rounded per line, as invoiced).
import { Fragment } from 'react';
import { formatCount } from '@/components/format';
import { Table, Td, Th } from '@/components/table';
import { usdCents, usdExact } from '@/components/usd';
import type { InvoicePreview } from '@/server/billing/rating';

const METER_NAMES = { vex: 'Verified Exchanges (VEx)', fu: 'Fallback Units (FU tokens)' } as const;

export function PeriodPreview({ preview, basis }: { preview: InvoicePreview; basis: 'plan' | 'reserved' }) {
  const allowance = basis === 'reserved' ? 'reserved' : 'included';
  return (
    <Table caption="This period's itemized charges" pinLastColumn>
      <thead>
        <tr>
          <Th>Item</Th>
          <Th className="text-right">Units</Th>
          <Th className="text-right">Unit price</Th>
          <Th className="text-right">Amount</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        <tr>
          <Td>Subscription fee</Td>
          <Td />
          <Td />
          <Td className="text-right tabular-nums">{usdCents(preview.feeCents)}</Td>
        </tr>
        {(['vex', 'fu'] as const).map((meter) => {
          const m = preview.meters[meter];
          return (
            <Fragment key={meter}>
              {/* The allowance sits under the meter's name: on phones that column stays in view. */}
              <tr>
                <Td className="font-medium text-slate-900 dark:text-slate-100">
                  {METER_NAMES[meter]}
                  <span className="block text-xs font-normal text-slate-500 dark:text-slate-400">
                    {formatCount(m.included)} {allowance} · {formatCount(m.billable)} billable
                  </span>
                </Td>
                <Td className="text-right tabular-nums" data-testid={`${meter}-used`}>
                  {formatCount(m.used)} used
                </Td>
                <Td colSpan={2} />
              </tr>
              {m.lines.length === 0 ? (
                <tr>
                  <Td className="pl-6 text-slate-500 dark:text-slate-400">No overage</Td>
                  <Td />
                  <Td />
                  <Td className="text-right tabular-nums">{usdCents(0n)}</Td>
                </tr>
              ) : (
                m.lines.map((line) => (
                  <tr key={line.tier}>
                    <Td className="pl-6">
                      Overage tier {line.tier}
                      <span className="block text-xs text-slate-500 dark:text-slate-400">
                        billable units {formatCount(line.from)}–{formatCount(line.to)}
                        {line.stripeItem && <span className="font-mono"> · {line.stripeItem}</span>}
                      </span>
                    </Td>
                    <Td className="text-right tabular-nums">{formatCount(line.units)} ×</Td>
                    <Td className="text-right tabular-nums">{usdExact(line.unitPrice)}</Td>
                    <Td className="text-right tabular-nums" title={`exactly ${usdExact(line.amount)}`}>
                      {usdCents(line.amountCents)}
                    </Td>
                  </tr>
                ))
              )}
              <tr>
                <Td className="pl-6 text-slate-500 dark:text-slate-400">Subtotal</Td>
                <Td />
                <Td />
                <Td className="text-right tabular-nums text-slate-900 dark:text-slate-100">{usdCents(m.subtotalCents)}</Td>
              </tr>
            </Fragment>
          );
        })}
      </tbody>
      <tfoot>
        <tr className="border-t-2 border-slate-300 dark:border-slate-600">
          <Td className="font-semibold text-slate-900 dark:text-slate-100">Projected total</Td>
          <Td />
          <Td />
          <Td className="text-right text-base font-semibold tabular-nums text-slate-900 dark:text-slate-100" data-testid="projected-total">
            {usdCents(preview.totalCents)}
          </Td>
        </tr>
      </tfoot>
    </Table>
  );
}
