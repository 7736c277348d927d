// The admin's review of one tenant's period: its statement (the stored one for a closed period,
// else built now), re-verified with the verifier `signet-verify usage` runs, over the bundle the
// tenant would download; and the drift between the statement, the raw ledger and its rollups,
// the billing batches and what the outbox handed to the billing provider.
import { METERS, type Meter } from '../billing/catalog';
import type { BillingPeriod } from '../billing/period';
import { periodUsage } from '../billing/usage';
import { getDatabase } from '../db';
import { jwks } from '../keys/signing-keys';
import { latestCheckpoint } from '../log/repository';
import { logVkey } from '../log/service';
import { writeBundle } from './bundle';
import { AppError } from '../errors';
import { periodCounts, storedStatement } from './repository';
import { resolvePeriod, statementTreeSize, usageStatement, type SignedStatement, type UsageStatement } from './statement';
import { UsageBundleLines, type UsageReport } from './verify';

export type DriftSource = 'ledger' | 'rollups' | 'batches' | 'provider';

/** One disagreement: `expected` is what the statement (or the ledger, for rollups) says. */
export interface DriftLine {
  source: DriftSource;
  meter: Meter;
  /** The batch's identifier, `<meter>:<hex root>`, when the drift is one batch's. */
  batch: string | null;
  expected: string;
  actual: string;
  message: string;
}

/** A billing batch the statement names, with the ledger rows that carry its id. */
export interface BatchLedger {
  identifier: string;
  meter: Meter;
  units: bigint;
  /** Units of the period's usage_events rows carrying this batch's id. */
  ledgerUnits: bigint;
  status: string;
  billedUnits: bigint | null;
}

export interface DriftInput {
  statement: Pick<UsageStatement, 'meters' | 'batches' | 'tariff'>;
  /** The raw ledger at the statement's checkpoint: counted rows (leaf below it) per meter. */
  counted: Record<Meter, bigint>;
  /** Every ledger row of the period per meter, and the same from the rollups. */
  ledgerTotal: Record<Meter, bigint>;
  rollups: Record<Meter, bigint>;
  batches: BatchLedger[];
}

const identifierOf = (b: { meter: Meter; root: string | null }) => (b.root ? `${b.meter}:${b.root}` : null);

/**
 * Where the statement, the ledger, the rollups, the batches and the provider's record disagree.
 * Batches the outbox has not resolved yet are not drift (the provider has not been asked); a
 * failed batch, or billed units that differ from what the statement bills, are.
 */
export function usageDrift(input: DriftInput): DriftLine[] {
  const drift = rollupDrift(input.ledgerTotal, input.rollups);
  const line = (source: DriftSource, meter: Meter, batch: string | null, expected: bigint | number, actual: bigint | number, message: string) =>
    drift.push({ source, meter, batch, expected: String(expected), actual: String(actual), message });
  const byIdentifier = new Map(input.batches.map((b) => [b.identifier, b]));
  for (const meter of METERS) {
    const stated = BigInt(input.statement.meters[meter].units);
    if (input.counted[meter] !== stated) line('ledger', meter, null, stated, input.counted[meter], `the statement counts ${stated} ${meter}, the ledger rows at its checkpoint ${input.counted[meter]}`);
    const named = input.statement.batches.filter((b) => b.meter === meter);
    let billed = 0n;
    let unresolved = false;
    for (const b of named) {
      const id = identifierOf(b);
      const row = id ? byIdentifier.get(id) : undefined;
      if (!id || !row) {
        line('batches', meter, id, b.units, 0, `the statement names batch ${id ?? '(without a root)'}, which the billing outbox does not hold`);
        continue;
      }
      if (row.units !== BigInt(b.units)) line('batches', meter, id, b.units, row.units, `batch ${id}: the statement counts ${b.units} units, the outbox row ${row.units}`);
      if (row.ledgerUnits !== row.units) line('ledger', meter, id, row.units, row.ledgerUnits, `batch ${id}: the outbox row counts ${row.units} units, the ledger rows carrying it ${row.ledgerUnits}`);
      if (row.status === 'pending') unresolved = true;
      else if (row.status === 'failed') line('provider', meter, id, row.billedUnits ?? row.units, 0, `batch ${id} was refused by the billing provider`);
      else billed += row.billedUnits ?? 0n;
    }
    // Under reserved capacity only the units beyond it are sent; under a plan, every unit.
    const charge = input.statement.meters[meter];
    const owed = BigInt(input.statement.tariff.basis === 'reserved' ? charge.billable : charge.units);
    if (!unresolved && billed !== owed) line('provider', meter, null, owed, billed, `the statement bills ${owed} ${meter}, the billing provider was sent ${billed}`);
  }
  return drift;
}

/** The rollups are sums of the ledger rows, kept by triggers: any difference is drift. */
export function rollupDrift(ledgerTotal: Record<Meter, bigint>, rollups: Record<Meter, bigint>): DriftLine[] {
  return METERS.filter((m) => rollups[m] !== ledgerTotal[m]).map((m) => ({
    source: 'rollups',
    meter: m,
    batch: null,
    expected: String(ledgerTotal[m]),
    actual: String(rollups[m]),
    message: `the rollups sum to ${rollups[m]} ${m}, the ledger rows to ${ledgerTotal[m]}`,
  }));
}

async function batchLedger(tenantId: string, period: BillingPeriod, identifiers: string[]): Promise<BatchLedger[]> {
  if (identifiers.length === 0) return [];
  const rows = await getDatabase().sql.query<{ identifier: string; meter: Meter; units: string; ledger_units: string; status: string; billed_units: string | null }>(
    `SELECT b.identifier, b.meter, b.units::text, COALESCE(SUM(u.units), 0)::text AS ledger_units, b.status, b.billed_units::text
       FROM billing_batches b LEFT JOIN usage_events u ON u.batch_id = b.id AND u.occurred_at >= $2 AND u.occurred_at < $3
      WHERE b.tenant_id = $1 AND b.identifier = ANY($4::text[])
      GROUP BY b.id, b.identifier, b.meter, b.units, b.status, b.billed_units`,
    [tenantId, period.start.toISOString(), period.end.toISOString(), identifiers],
  );
  return rows.map((r) => ({ identifier: r.identifier, meter: r.meter, units: BigInt(r.units), ledgerUnits: BigInt(r.ledger_units), status: r.status, billedUnits: r.billed_units === null ? null : BigInt(r.billed_units) }));
}

/** The bundle the tenant would download, checked line by line as the CLI checks it, against Signet's own keys. */
async function verifyStatement(signed: SignedStatement, period: BillingPeriod): Promise<UsageReport> {
  const reader = new UsageBundleLines({ jwks: await jwks(), logKey: await logVkey() });
  let rest = '';
  for await (const chunk of writeBundle(signed, period, 'compact')) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const l of lines) reader.line(l);
  }
  if (rest) reader.line(rest);
  return reader.finish();
}

export interface PeriodReview {
  tenant: string;
  period: BillingPeriod;
  /** The period has ended; `stored` once its statement is kept unchanged. */
  closed: boolean;
  stored: boolean;
  statement: SignedStatement | null;
  /** Why no statement could be built (the ledger and the batches disagree). */
  statementError: string | null;
  verification: UsageReport | null;
  drift: DriftLine[];
  /** Starts (YYYY-MM-DD) of the tenant's stored statements, newest first. */
  storedPeriods: string[];
}

export async function reviewPeriod(tenantId: string, periodRef: string, now: Date = new Date()): Promise<PeriodReview> {
  const period = await resolvePeriod(tenantId, periodRef, now);
  let signed: SignedStatement | null = null;
  let statementError: string | null = null;
  try {
    signed = await usageStatement(tenantId, periodRef, now);
  } catch (error) {
    if (error instanceof AppError) throw error; // a refusal (no such tenant or period), not a drift
    statementError = (error as Error).message;
  }
  const treeSize = signed ? statementTreeSize(signed.statement) : ((await latestCheckpoint())?.size ?? 0);
  const [counts, rollups, stored, storedPeriods] = await Promise.all([
    periodCounts(tenantId, period, treeSize),
    periodUsage(tenantId, period),
    storedStatement(tenantId, period.start),
    getDatabase().sql.query<{ start: string }>(`SELECT to_char(period_start, 'YYYY-MM-DD') AS start FROM usage_statements WHERE tenant_id = $1 ORDER BY period_start DESC`, [tenantId]),
  ]);
  const ledgerTotal = Object.fromEntries(METERS.map((m) => [m, counts.counted[m] + counts.pending[m]])) as Record<Meter, bigint>;
  let drift = rollupDrift(ledgerTotal, rollups);
  let verification: UsageReport | null = null;
  if (signed) {
    const identifiers = signed.statement.batches.flatMap((b) => identifierOf(b) ?? []);
    drift = usageDrift({ statement: signed.statement, counted: counts.counted, ledgerTotal, rollups, batches: await batchLedger(tenantId, period, identifiers) });
    verification = await verifyStatement(signed, period);
  }
  return { tenant: tenantId, period, closed: period.end <= now, stored: stored !== null, statement: signed, statementError, verification, drift, storedPeriods: storedPeriods.map((r) => r.start) };
}
