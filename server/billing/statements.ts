// Per-period statements from the ledger: the usage history with a preview per month, and the
// reconciliation report, signed like an export bundle (report_cid = cid(report); Ed25519 over
// the ASCII bytes of report_cid with the active signing key, verifiable against the JWKS).
import { activeSigner } from '../keys/signing-keys';
import { cid } from '../receipts/canonical';
import { calendarMonth, type BillingPeriod } from './period';
import { rate, type InvoicePreview, type Usage } from './rating';
import { tariffBook } from './tariffs';
import { reconciliationReport, toCsv, type ReconciliationReport } from './reconciliation';
import { tenantBilling } from './terms';
import { failedExchangesByCode, monthlyUsage, periodUsage } from './usage';

export interface PeriodStatement {
  period: BillingPeriod;
  usage: Usage;
  preview: InvoicePreview;
}

/**
 * The last `months` calendar months (UTC), newest first, each rated with the terms it ran under
 * (a past month with the tariff version in force when it ended, the current one with today's).
 */
export async function usageHistory(tenantId: string, now: Date = new Date(), months = 12): Promise<PeriodStatement[]> {
  const [book, rows] = await Promise.all([tariffBook(tenantId, now), monthlyUsage(tenantId, now, months)]);
  return rows.map((row) => {
    const period = calendarMonth(row.start);
    return { period, usage: row.usage, preview: rate(book.terms(period), row.usage) };
  });
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `current` (the tenant's billing period now) or a calendar month `YYYY-MM` (UTC). */
export function parsePeriodRef(ref: string, currentPeriod: BillingPeriod): BillingPeriod {
  if (ref === 'current') return currentPeriod;
  const match = MONTH.exec(ref);
  if (!match) throw new Error(`period must be "current" or a month like 2026-01, got "${ref}"`);
  return calendarMonth(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)));
}

export async function reconciliationFor(tenantId: string, periodRef: string, now: Date = new Date()): Promise<ReconciliationReport> {
  const billing = await tenantBilling(tenantId, now);
  const period = parsePeriodRef(periodRef, billing.period);
  const [book, usage, failedByCode] = await Promise.all([tariffBook(tenantId, now), periodUsage(tenantId, period), failedExchangesByCode(tenantId, period)]);
  return reconciliationReport({ tenantId, period, preview: rate(book.terms(period), usage), failedByCode, generatedAt: now });
}

export interface SignedReconciliation {
  report: ReconciliationReport;
  report_cid: string;
  kid: string;
  signature: string;
}

export async function signedReconciliation(tenantId: string, periodRef: string, now: Date = new Date()): Promise<SignedReconciliation> {
  const report = await reconciliationFor(tenantId, periodRef, now);
  const reportCid = cid(report);
  const signer = await activeSigner();
  return { report, report_cid: reportCid, kid: signer.kid, signature: signer.sign(new TextEncoder().encode(reportCid)) };
}

export async function reconciliationCsv(tenantId: string, periodRef: string, now: Date = new Date()): Promise<string> {
  return toCsv(await reconciliationFor(tenantId, periodRef, now));
}
