// The raw rows a usage statement proves: usage_events joined with their log leaves, the billing
// batches that counted them, stored statements. Never the rollups: a statement must count what
// the receipts prove.
import { getDatabase } from '../db';
import type { Meter } from '../billing/catalog';
import type { BillingPeriod } from '../billing/period';

const sql = () => getDatabase().sql;

export interface PeriodCounts {
  counted: Record<Meter, bigint>;
  pending: Record<Meter, bigint>;
  /** Units per batch id among the counted rows (null: a counted row in no batch). */
  byBatch: Map<string | null, bigint>;
}

/** Units of the tenant's period, split by whether their receipt's leaf is below `treeSize`. */
export async function periodCounts(tenantId: string, period: BillingPeriod, treeSize: number): Promise<PeriodCounts> {
  const rows = await sql().query<{ meter: string; counted: boolean; batch_id: string | null; units: string }>(
    `SELECT u.meter, (l.leaf_index IS NOT NULL AND l.leaf_index < $4) AS counted, u.batch_id, SUM(u.units)::text AS units
       FROM usage_events u LEFT JOIN log_leaves l ON l.receipt_hash = u.receipt_hash
      WHERE u.tenant_id = $1 AND u.occurred_at >= $2 AND u.occurred_at < $3
      GROUP BY 1, 2, 3`,
    [tenantId, period.start.toISOString(), period.end.toISOString(), treeSize],
  );
  const result: PeriodCounts = { counted: { vex: 0n, fu: 0n }, pending: { vex: 0n, fu: 0n }, byBatch: new Map() };
  for (const row of rows) {
    if (row.meter !== 'vex' && row.meter !== 'fu') continue;
    const units = BigInt(row.units);
    if (!row.counted) {
      result.pending[row.meter] += units;
      continue;
    }
    result.counted[row.meter] += units;
    result.byBatch.set(row.batch_id, (result.byBatch.get(row.batch_id) ?? 0n) + units);
  }
  return result;
}

export interface BatchRecord {
  id: string;
  meter: Meter;
  root: string | null;
  identifier: string;
  units: bigint;
  firstLeaf: number | null;
  lastLeaf: number | null;
  status: string;
  billedUnits: bigint | null;
  provider: string | null;
}

export async function batchesById(ids: string[]): Promise<BatchRecord[]> {
  if (ids.length === 0) return [];
  const rows = await sql().query<{
    id: string;
    meter: Meter;
    root: string | null;
    identifier: string;
    units: string;
    first_leaf: string | null;
    last_leaf: string | null;
    status: string;
    billed_units: string | null;
    provider: string | null;
  }>(
    `SELECT id, meter, root, identifier, units::text, first_leaf::text, last_leaf::text, status, billed_units::text, provider
       FROM billing_batches WHERE id = ANY($1::text[]) ORDER BY meter DESC, first_leaf, id`,
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    meter: r.meter,
    root: r.root,
    identifier: r.identifier,
    units: BigInt(r.units),
    firstLeaf: r.first_leaf === null ? null : Number(r.first_leaf),
    lastLeaf: r.last_leaf === null ? null : Number(r.last_leaf),
    status: r.status,
    billedUnits: r.billed_units === null ? null : BigInt(r.billed_units),
    provider: r.provider,
  }));
}

export async function storedStatement(tenantId: string, periodStart: Date): Promise<string | null> {
  const rows = await sql().query<{ document: string }>('SELECT document FROM usage_statements WHERE tenant_id = $1 AND period_start = $2', [tenantId, periodStart.toISOString()]);
  return rows[0]?.document ?? null;
}

/** Stores a closed period's statement unless one is stored already; returns the one stored. */
export async function storeStatement(tenantId: string, period: BillingPeriod, document: string): Promise<string> {
  await sql().query(
    'INSERT INTO usage_statements (tenant_id, period_start, period_end, document) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, period_start) DO NOTHING',
    [tenantId, period.start.toISOString(), period.end.toISOString(), document],
  );
  return (await storedStatement(tenantId, period.start))!;
}

export interface CountedReceipt {
  receiptHash: string;
  meter: Meter;
  units: number;
  leafIndex: number;
}

/**
 * The tenant's counted receipts of the period in (leaf index, meter) order, `pageSize` at a time,
 * by keyset pagination, so a period of millions streams in bounded memory.
 */
export async function* countedReceipts(tenantId: string, period: BillingPeriod, treeSize: number, pageSize = 20_000): AsyncGenerator<CountedReceipt[]> {
  let after = { leaf: -1, meter: '' };
  for (;;) {
    const rows = await sql().query<{ receipt_hash: string; meter: Meter; units: string; leaf_index: string }>(
      `SELECT u.receipt_hash, u.meter, u.units::text, l.leaf_index::text
         FROM usage_events u JOIN log_leaves l ON l.receipt_hash = u.receipt_hash
        WHERE u.tenant_id = $1 AND u.occurred_at >= $2 AND u.occurred_at < $3 AND l.leaf_index < $4
          AND (l.leaf_index, u.meter) > ($5::bigint, $6::text)
        ORDER BY l.leaf_index, u.meter LIMIT $7`,
      [tenantId, period.start.toISOString(), period.end.toISOString(), treeSize, after.leaf, after.meter, pageSize],
    );
    if (rows.length === 0) return;
    yield rows.map((r) => ({ receiptHash: r.receipt_hash, meter: r.meter, units: Number(r.units), leafIndex: Number(r.leaf_index) }));
    const last = rows.at(-1)!;
    after = { leaf: Number(last.leaf_index), meter: last.meter };
    if (rows.length < pageSize) return;
  }
}

/** Indexes of the level-0 tiles holding the tenant's counted leaves of the period. */
export async function leafTileIndexes(tenantId: string, period: BillingPeriod, treeSize: number): Promise<number[]> {
  const rows = await sql().query<{ tile: string }>(
    `SELECT DISTINCT (l.leaf_index / 256)::text AS tile
       FROM usage_events u JOIN log_leaves l ON l.receipt_hash = u.receipt_hash
      WHERE u.tenant_id = $1 AND u.occurred_at >= $2 AND u.occurred_at < $3 AND l.leaf_index < $4`,
    [tenantId, period.start.toISOString(), period.end.toISOString(), treeSize],
  );
  return rows.map((r) => Number(r.tile)).sort((a, b) => a - b);
}

export interface ProviderEvent {
  identifier: string;
  value: number;
}

export interface ProviderRecord {
  events: ProviderEvent[];
  /** Batches not yet handed to the provider (the outbox sends them within its window). */
  pending: string[];
}

/** What the billing provider took for these batch identifiers: the meter events sent with a value. */
export async function providerRecord(identifiers: string[]): Promise<ProviderRecord> {
  if (identifiers.length === 0) return { events: [], pending: [] };
  const rows = await sql().query<{ identifier: string; status: string; billed_units: string | null }>(
    `SELECT identifier, status, billed_units::text FROM billing_batches WHERE identifier = ANY($1::text[]) ORDER BY identifier`,
    [identifiers],
  );
  return {
    events: rows.filter((r) => r.status === 'sent' && BigInt(r.billed_units ?? '0') > 0n).map((r) => ({ identifier: r.identifier, value: Number(r.billed_units) })),
    pending: rows.filter((r) => r.status === 'pending').map((r) => r.identifier),
  };
}
