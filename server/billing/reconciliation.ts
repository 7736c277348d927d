// The reconciliation report: per tenant and period, VEx and FU used against included or
// reserved units, overage per tier, the fee, the total, and failed (never billed) exchanges by
// error code. One flat row list feeds both the JSON (signed by the caller like an export bundle)
// and the CSV.
import { METERS } from './catalog';
import { formatUsd } from '@/lib/money';
import type { BillingPeriod } from './period';
import type { InvoicePreview } from './rating';

export const RECONCILIATION_COLUMNS = [
  'tenant',
  'period_start',
  'period_end',
  'kind',
  'meter',
  'tier',
  'used',
  'allowance',
  'billable',
  'units',
  'unit_price_usd',
  'amount_usd',
  'amount_cents',
  'stripe_item',
  'code',
] as const;

export type ReconciliationRow = Record<(typeof RECONCILIATION_COLUMNS)[number], string>;

export interface ReconciliationReport {
  report: 'signet.reconciliation.v1';
  tenant: string;
  period_start: string;
  period_end: string;
  generated_at: string;
  /** `included` for a plan, `reserved` for reserved capacity: what `allowance` means. */
  allowance: 'included' | 'reserved';
  plan: string | null;
  failed_exchanges: string;
  total_usd: string;
  total_cents: string;
  rows: ReconciliationRow[];
}

export interface ReconciliationInput {
  tenantId: string;
  period: BillingPeriod;
  preview: InvoicePreview;
  /** Failed exchange counts by error code for the period. */
  failedByCode: Record<string, bigint>;
  generatedAt: Date;
}

export function reconciliationReport(input: ReconciliationInput): ReconciliationReport {
  const { tenantId, period, preview } = input;
  const base = { tenant: tenantId, period_start: period.start.toISOString(), period_end: period.end.toISOString() };
  const row = (fields: Partial<ReconciliationRow> & Pick<ReconciliationRow, 'kind'>): ReconciliationRow => {
    const merged: Partial<ReconciliationRow> = { ...base, ...fields };
    return Object.fromEntries(RECONCILIATION_COLUMNS.map((c) => [c, merged[c] ?? ''])) as ReconciliationRow;
  };

  const rows: ReconciliationRow[] = [];
  for (const meter of METERS) {
    const m = preview.meters[meter];
    rows.push(
      row({
        kind: 'usage',
        meter,
        used: m.used.toString(),
        allowance: m.included.toString(),
        billable: m.billable.toString(),
        amount_usd: formatUsd(m.subtotal),
        amount_cents: m.subtotalCents.toString(),
      }),
    );
    for (const line of m.lines) {
      rows.push(
        row({
          kind: 'overage',
          meter,
          tier: String(line.tier),
          units: line.units.toString(),
          unit_price_usd: formatUsd(line.unitPrice),
          amount_usd: formatUsd(line.amount),
          amount_cents: line.amountCents.toString(),
          stripe_item: line.stripeItem ?? '',
        }),
      );
    }
  }
  rows.push(row({ kind: 'fee', amount_usd: formatUsd(preview.fee), amount_cents: preview.feeCents.toString() }));
  const codes = Object.keys(input.failedByCode).sort();
  for (const code of codes) rows.push(row({ kind: 'failed', code, units: input.failedByCode[code]!.toString() }));
  rows.push(row({ kind: 'total', amount_usd: formatUsd(preview.total), amount_cents: preview.totalCents.toString() }));

  return {
    report: 'signet.reconciliation.v1',
    ...base,
    generated_at: input.generatedAt.toISOString(),
    allowance: preview.basis === 'reserved' ? 'reserved' : 'included',
    plan: preview.planId,
    failed_exchanges: codes.reduce((sum, c) => sum + input.failedByCode[c]!, 0n).toString(),
    total_usd: formatUsd(preview.total),
    total_cents: preview.totalCents.toString(),
    rows,
  };
}

/** RFC 4180 CSV of the report's rows: header line, CRLF line ends, fields quoted when needed. */
export function toCsv(report: ReconciliationReport): string {
  const lines = [RECONCILIATION_COLUMNS.join(','), ...report.rows.map((r) => RECONCILIATION_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
