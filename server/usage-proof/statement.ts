// The usage statement (SPEC §8): per billing period, what the tenant's receipts in one log
// checkpoint add up to, rated with the tariff in force for that period, signed with Signet's
// signing key. A closed period's statement is stored the first time it is complete (nothing
// pending) and served unchanged from then on.
import { batchTenantUsage } from '../billing/outbox-worker';
import { METERS, type Meter } from '../billing/catalog';
import { formatCents, formatUsd } from '@/lib/money';
import type { BillingPeriod } from '../billing/period';
import { rate } from '../billing/rating';
import { billingTermsOf, tariffForPeriod, type TariffTerms } from '../billing/tariffs';
import { tenantPeriod } from '../billing/terms';
import { prisma } from '../db';
import { activeSigner } from '../keys/signing-keys';
import { latestCheckpoint } from '../log/repository';
import { withCosignatures } from '../log/service';
import { cid } from '../receipts/canonical';
import { AppError } from '../errors';
import { batchesById, periodCounts, storedStatement, storeStatement } from './repository';

export const ROUNDING = 'half-up per line, in cents';

export interface StatementLine {
  tier: number;
  from: number;
  to: number;
  units: number;
  unit_price: string;
  amount: string;
}

export interface StatementMeter {
  units: number;
  included: number;
  billable: number;
  lines: StatementLine[];
  amount: string;
}

export interface StatementBatch {
  meter: Meter;
  root: string | null;
  units: number;
  first_leaf: number | null;
  last_leaf: number | null;
}

export interface UsageStatement {
  tenant: string;
  period: { start: string; end: string };
  tariff: TariffTerms & { version: number; effective_from: string };
  meters: Record<Meter, StatementMeter>;
  batches: StatementBatch[];
  pending_units: Record<Meter, number>;
  total: string;
  rounding: string;
  checkpoint: string;
}

export interface SignedStatement {
  statement: UsageStatement;
  statement_cid: string;
  kid: string;
  signature: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `current`, `previous` or `YYYY-MM-DD`, the first day of one of the tenant's billing periods. */
export async function resolvePeriod(tenantId: string, ref: string, now: Date = new Date()): Promise<BillingPeriod> {
  const tenant = await prisma().tenant.findUnique({ where: { id: tenantId }, select: { periodStart: true, periodEnd: true } });
  if (!tenant) throw new AppError('TENANT_NOT_FOUND', `no tenant "${tenantId}"`);
  const current = tenantPeriod(tenant, now);
  if (ref === 'current') return current;
  if (ref === 'previous') return tenantPeriod(tenant, new Date(current.start.getTime() - 1));
  const at = DATE.test(ref) ? new Date(`${ref}T23:59:59.999Z`) : null;
  if (!at || Number.isNaN(at.getTime())) throw new AppError('PERIOD_INVALID', `period must be "current", "previous" or a date like 2026-01-01, got "${ref}"`);
  const period = tenantPeriod(tenant, at);
  if (period.start.toISOString().slice(0, 10) !== ref) {
    throw new AppError('PERIOD_INVALID', `${ref} is not the first day of a billing period (that day lies in the period starting ${period.start.toISOString()})`);
  }
  if (period.start > now) throw new AppError('PERIOD_INVALID', `the period starting ${ref} has not begun`);
  return period;
}

const num = (n: bigint) => Number(n);

/** The signed statement for a period: the stored one for a closed period, else built now. */
export async function usageStatement(tenantId: string, periodRef: string, now: Date = new Date()): Promise<SignedStatement> {
  const period = await resolvePeriod(tenantId, periodRef, now);
  const closed = period.end <= now;
  if (closed) {
    const stored = await storedStatement(tenantId, period.start);
    if (stored) return JSON.parse(stored) as SignedStatement;
  }
  const checkpoint = await latestCheckpoint();
  if (!checkpoint) throw new AppError('LOG_NOT_STARTED', 'the transparency log has no checkpoint yet');
  // Every unit the statement counts is named by a batch root: batch what the checkpoint holds.
  await batchTenantUsage(tenantId, checkpoint.size, { now: () => now });
  const counts = await periodCounts(tenantId, period, checkpoint.size);
  if (counts.byBatch.has(null)) throw new Error(`tenant ${tenantId}: counted usage outside any batch`);
  const batches = await batchesById([...counts.byBatch.keys()] as string[]);
  for (const batch of batches) {
    if (batch.units !== counts.byBatch.get(batch.id)) throw new Error(`batch ${batch.identifier} counts ${batch.units} units, its rows in the period ${counts.byBatch.get(batch.id)}`);
  }
  const tariff = await tariffForPeriod(tenantId, period, now);
  const preview = rate(billingTermsOf(tariff.terms), counts.counted);
  const meters = Object.fromEntries(
    METERS.map((m) => {
      const charge = preview.meters[m];
      const lines = charge.lines.map((l) => ({ tier: l.tier, from: num(l.from), to: num(l.to), units: num(l.units), unit_price: formatUsd(l.unitPrice), amount: formatCents(l.amountCents) }));
      return [m, { units: num(charge.used), included: num(charge.included), billable: num(charge.billable), lines, amount: formatCents(charge.subtotalCents) }];
    }),
  ) as Record<Meter, StatementMeter>;
  const statement: UsageStatement = {
    tenant: tenantId,
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    tariff: { version: tariff.version, effective_from: tariff.effective_from, ...tariff.terms },
    meters,
    batches: batches.map((b) => ({ meter: b.meter, root: b.root, units: num(b.units), first_leaf: b.firstLeaf, last_leaf: b.lastLeaf })),
    pending_units: { vex: num(counts.pending.vex), fu: num(counts.pending.fu) },
    total: formatCents(preview.totalCents),
    rounding: ROUNDING,
    checkpoint: await withCosignatures(checkpoint),
  };
  const statementCid = cid(statement);
  const signer = await activeSigner();
  const signed: SignedStatement = { statement, statement_cid: statementCid, kid: signer.kid, signature: signer.sign(new TextEncoder().encode(statementCid)) };
  if (closed && METERS.every((m) => counts.pending[m] === 0n)) return JSON.parse(await storeStatement(tenantId, period, JSON.stringify(signed))) as SignedStatement;
  return signed;
}

/** The tree size of the checkpoint a statement was computed at. */
export function statementTreeSize(statement: UsageStatement): number {
  return Number(statement.checkpoint.split('\n')[1]);
}
