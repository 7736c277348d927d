// The usage outbox: usage rows → billing batches → the billing provider, exactly once.
//
// Batching: a batch is formed from sequenced receipts only, so that its root (RFC 6962 over
// the receipt hashes it counted, in leaf order) names log entries anyone can prove. Per tenant,
// meter and billing period, unbatched usage rows whose receipts have leaves become one batch
// (units = their sum, root and leaf range over them) in the transaction that stamps the rows
// with its id. A run walks the log from a cursor (billing_outbox_cursor) up to the size of the
// last checkpoint signed a window ago, takes the unbatched usage of those leaves in leaf order,
// and moves the cursor past them: no receipt can still get a leaf below that size, so a tenant's
// batches of one meter never overlap in leaf range, and a verifier assigns each receipt to its
// batch by (meter, leaf index). The walk reads leaves by index range and each of their usage
// rows once, however many rows are waiting. One batcher at a time (advisory lock).
//
// Sending: batches go out one at a time per tenant and meter, oldest first. A claim (row lock,
// SKIP LOCKED) leases the batch by pushing next_attempt_at past the send timeout, fixes its
// billed units on the first attempt, and counts the attempt; the provider call happens outside
// any transaction; then `pending → sent` is one conditional UPDATE. A process that dies between
// the call and the mark leaves a pending batch whose lease expires; the resend carries the same
// identifier and the same value, which Stripe deduplicates, so no unit is lost or counted twice.
//
// Reserved capacity: a batch bills only the units beyond the reserved allowance, counted over the
// batches of the period already resolved before it (a telescoping sum: the period's billed units
// equal its overage). A batch with nothing to bill is marked sent without calling the provider.
import { randomUUID } from 'node:crypto';
import { getDatabase } from '../db';
import type { SqlQueryable } from '../db/sql';
import { billingBatchesTotal, billingOutboxOldestPending, billingOutboxPendingBatches, overageChargesTotal } from '../metrics/registry';
import type { Meter } from './catalog';
import { formatUsd } from '@/lib/money';
import { batchIdentifier, batchRoot, billableUnitsInBatch, nextAttemptDelay, type BackoffOptions } from './outbox';
import { applyDuePlanChanges } from './plan-change';
import { sendUsageNotices } from './usage-notices';
import type { BillingProvider } from './provider';
import { rate } from './rating';
import { tariffBook } from './tariffs';
import { classifyStripeError } from './stripe/meter-events';
import { tenantBilling, tenantPeriod } from './terms';
import { logger } from '../telemetry/logger';

export interface OutboxOptions {
  /** Receipts sequenced more recently than this stay unbatched (default 60 s). */
  windowMs?: number;
  /** Largest batch, in usage rows (default 10,000). */
  maxRowsPerBatch?: number;
  /** Log leaves walked per batching run (default 50,000; a receipt has one or two usage rows). */
  maxLeavesPerRun?: number;
  /** How long a claimed batch is reserved for its sender (default 5 min; must exceed the send timeout). */
  leaseMs?: number;
  backoff?: BackoffOptions;
  now?: () => Date;
}

const DEFAULTS = { windowMs: 60_000, maxRowsPerBatch: 10_000, maxLeavesPerRun: 50_000, leaseMs: 5 * 60_000 };

interface UsageRow {
  id: string;
  tenant_id: string;
  meter: Meter;
  units: string;
  receipt_hash: string;
  leaf_index: string;
  at_ms: string;
}

const BATCH_LOCK = 0x5167_6e62; // "Sgnb"

/** Turns the unbatched usage of receipts sequenced before the window into batches; returns how many were created. */
export async function batchUsage(options: OutboxOptions = {}): Promise<number> {
  const { windowMs, maxRowsPerBatch, maxLeavesPerRun } = { ...DEFAULTS, ...options };
  const now = options.now?.() ?? new Date();
  const cutoff = new Date(now.getTime() - windowMs);
  return getDatabase().sql.transaction(async (tx) => {
    const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [BATCH_LOCK]);
    if (!lock?.ok) return 0;
    const [range] = await tx.query<{ from: string; to: string }>(
      `SELECT c.next_leaf::text AS from,
              LEAST(c.next_leaf + $2, COALESCE((SELECT k.size FROM log_checkpoints k WHERE k.signed_at <= $1 ORDER BY k.size DESC LIMIT 1), 0))::text AS to
         FROM billing_outbox_cursor c`,
      [cutoff.toISOString(), maxLeavesPerRun],
    );
    if (!range || BigInt(range.to) <= BigInt(range.from)) return 0;
    const rows = await tx.query<UsageRow>(
      `${SELECT_SEQUENCED} WHERE l.leaf_index >= $1 AND l.leaf_index < $2 AND u.batch_id IS NULL ORDER BY l.leaf_index, u.meter FOR UPDATE OF u`,
      [range.from, range.to],
    );
    await tx.query('UPDATE billing_outbox_cursor SET next_leaf = $1', [range.to]);
    return formBatches(tx, rows, maxRowsPerBatch, now);
  });
}

/**
 * Batches every unbatched usage row of one tenant whose leaf lies below `treeSize`, whatever its
 * age, so a usage statement at that checkpoint names every unit it counts by a batch root.
 * Waits for a running batcher.
 */
export async function batchTenantUsage(tenantId: string, treeSize: number, options: Pick<OutboxOptions, 'maxRowsPerBatch' | 'now'> = {}): Promise<number> {
  const maxRowsPerBatch = options.maxRowsPerBatch ?? DEFAULTS.maxRowsPerBatch;
  const now = options.now?.() ?? new Date();
  return getDatabase().sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [BATCH_LOCK]);
    const rows = await tx.query<UsageRow>(
      `${SELECT_SEQUENCED} WHERE u.batch_id IS NULL AND u.tenant_id = $1 AND l.leaf_index < $2 ORDER BY l.leaf_index, u.meter FOR UPDATE OF u`,
      [tenantId, treeSize],
    );
    return formBatches(tx, rows, maxRowsPerBatch, now);
  });
}

const SELECT_SEQUENCED = `SELECT u.id::text, u.tenant_id, u.meter, u.units::text, u.receipt_hash, l.leaf_index::text AS leaf_index,
         (extract(epoch FROM u.occurred_at) * 1000)::bigint::text AS at_ms
    FROM usage_events u JOIN log_leaves l ON l.receipt_hash = u.receipt_hash`;

/** Groups rows (in leaf order) by tenant, meter and billing period and inserts their batches. */
async function formBatches(tx: SqlQueryable, rows: UsageRow[], maxRowsPerBatch: number, now: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const periodKey = await periodKeys(tx, [...new Set(rows.map((r) => r.tenant_id))]);
  const groups = new Map<string, UsageRow[]>();
  for (const row of rows) {
    if (row.meter !== 'vex' && row.meter !== 'fu') continue;
    const key = `${row.tenant_id}\u0000${row.meter}\u0000${periodKey(row.tenant_id, new Date(Number(row.at_ms)))}`;
    const group = groups.get(key) ?? [];
    group.push(row);
    groups.set(key, group);
  }
  let created = 0;
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += maxRowsPerBatch) {
      await insertBatch(tx, group.slice(i, i + maxRowsPerBatch), now);
      created++;
    }
  }
  return created;
}

/** A function naming the billing period of a tenant's usage at a moment. */
async function periodKeys(tx: SqlQueryable, tenantIds: string[]) {
  const tenants = await tx.query<{ id: string; start_ms: string | null; end_ms: string | null }>(
    `SELECT id, (extract(epoch FROM period_start) * 1000)::bigint::text AS start_ms, (extract(epoch FROM period_end) * 1000)::bigint::text AS end_ms
       FROM tenants WHERE id = ANY($1)`,
    [tenantIds],
  );
  const stored = new Map(tenants.map((t) => [t.id, { periodStart: t.start_ms ? new Date(Number(t.start_ms)) : null, periodEnd: t.end_ms ? new Date(Number(t.end_ms)) : null }]));
  return (tenantId: string, at: Date) => tenantPeriod(stored.get(tenantId) ?? { periodStart: null, periodEnd: null }, at).start.toISOString();
}

async function insertBatch(tx: SqlQueryable, rows: UsageRow[], now: Date): Promise<void> {
  const first = rows[0]!;
  const times = rows.map((r) => Number(r.at_ms));
  const id = randomUUID();
  const root = batchRoot(rows.map((r) => r.receipt_hash));
  await tx.query(
    `INSERT INTO billing_batches (id, tenant_id, meter, units, identifier, receipt_hashes, window_start, window_end, status, attempts, next_attempt_at, created_at, root, first_leaf, last_leaf)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9, $10, $11, $12)`,
    [
      id,
      first.tenant_id,
      first.meter,
      rows.reduce((sum, r) => sum + BigInt(r.units), 0n).toString(),
      batchIdentifier(first.meter, root),
      rows.map((r) => r.receipt_hash),
      new Date(times.reduce((a, b) => Math.min(a, b))).toISOString(),
      new Date(times.reduce((a, b) => Math.max(a, b))).toISOString(),
      now.toISOString(),
      root,
      first.leaf_index,
      rows.at(-1)!.leaf_index,
    ],
  );
  await tx.query('UPDATE usage_events SET batch_id = $1 WHERE id = ANY($2::bigint[])', [id, rows.map((r) => r.id)]);
}

interface BatchRow {
  id: string;
  tenant_id: string;
  meter: Meter;
  units: string;
  identifier: string;
  billed_units: string | null;
  attempts: number;
  start_ms: string;
  end_ms: string;
}

interface ClaimedBatch {
  id: string;
  tenantId: string;
  meter: Meter;
  identifier: string;
  units: bigint;
  billedUnits: bigint;
  attempts: number;
  windowEnd: Date;
  /** Overage per tier (1-based) in money units, for the metrics. */
  overage: Map<number, bigint>;
}

export interface SendReport {
  sent: number;
  /** Sent with 0 billed units: no provider call was needed. */
  nothingToBill: number;
  skipped: number;
  retrying: number;
  failed: number;
}

/** Sends every due batch (stops early when `shouldStop` says so); never throws for a provider failure. */
export async function sendDueBatches(provider: BillingProvider, options: OutboxOptions & { shouldStop?: () => boolean } = {}): Promise<SendReport> {
  const report: SendReport = { sent: 0, nothingToBill: 0, skipped: 0, retrying: 0, failed: 0 };
  const clock = () => options.now?.() ?? new Date();
  const leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
  while (!options.shouldStop?.()) {
    const batch = await claimNextBatch(clock(), leaseMs);
    if (!batch) break;
    if (batch.billedUnits === 0n) {
      if (await markResolved(batch, 'sent', provider.kind, null, clock())) report.nothingToBill++;
      continue;
    }
    try {
      const result = await provider.sendBatch(batch);
      if (result.status === 'skipped') {
        if (await markResolved(batch, 'skipped', provider.kind, result.reason, clock())) report.skipped++;
      } else if (await markResolved(batch, 'sent', provider.kind, null, clock())) {
        report.sent++;
        countOverage(batch);
      }
    } catch (error) {
      const failure = classifyStripeError(error);
      if (failure.retryable) {
        const retryAt = new Date(clock().getTime() + nextAttemptDelay(batch.attempts, options.backoff));
        await getDatabase().sql.query(`UPDATE billing_batches SET next_attempt_at = $2, last_error = $3 WHERE id = $1 AND status = 'pending'`, [
          batch.id,
          retryAt.toISOString(),
          failure.message,
        ]);
        report.retrying++;
      } else if (await markResolved(batch, 'failed', provider.kind, failure.message, clock())) {
        logger.error({ batch: batch.id, identifier: batch.identifier, tenant: batch.tenantId, meter: batch.meter, reason: failure.message }, 'billing batch refused permanently');
        report.failed++;
      }
    }
  }
  return report;
}

/**
 * Locks the oldest due batch whose tenant and meter have no older pending batch and leases it;
 * then fixes its billed units if this is its first attempt (a resend must be identical). Rating
 * reads through Prisma, so it happens after the claim's transaction (PGlite runs one at a time).
 */
async function claimNextBatch(now: Date, leaseMs: number): Promise<ClaimedBatch | null> {
  const sql = getDatabase().sql;
  const row = await sql.transaction(async (tx) => {
    const [found] = await tx.query<BatchRow>(
      `SELECT b.id, b.tenant_id, b.meter, b.units::text, b.identifier, b.billed_units::text, b.attempts,
              (extract(epoch FROM b.window_start) * 1000)::bigint::text AS start_ms, (extract(epoch FROM b.window_end) * 1000)::bigint::text AS end_ms
         FROM billing_batches b
        WHERE b.status = 'pending' AND b.next_attempt_at <= $1
          AND NOT EXISTS (SELECT 1 FROM billing_batches e WHERE e.tenant_id = b.tenant_id AND e.meter = b.meter AND e.status = 'pending'
                           AND (e.window_start, e.id) < (b.window_start, b.id))
        ORDER BY b.window_start, b.id LIMIT 1 FOR UPDATE OF b SKIP LOCKED`,
      [now.toISOString()],
    );
    if (found) {
      await tx.query('UPDATE billing_batches SET attempts = attempts + 1, next_attempt_at = $2 WHERE id = $1', [found.id, new Date(now.getTime() + leaseMs).toISOString()]);
    }
    return found ?? null;
  });
  if (!row) return null;
  const rated = await rateBatch(row, now);
  const [fixed] = await sql.query<{ billed_units: string }>(
    'UPDATE billing_batches SET billed_units = COALESCE(billed_units, $2) WHERE id = $1 RETURNING billed_units::text',
    [row.id, rated.billedUnits.toString()],
  );
  return {
    id: row.id,
    tenantId: row.tenant_id,
    meter: row.meter,
    identifier: row.identifier,
    units: BigInt(row.units),
    billedUnits: BigInt(fixed!.billed_units),
    attempts: row.attempts + 1,
    windowEnd: new Date(Number(row.end_ms)),
    overage: rated.overage,
  };
}

/** The batch's billed units and its overage per tier, given the period's batches resolved before it. */
async function rateBatch(row: BatchRow, now: Date): Promise<{ billedUnits: bigint; overage: Map<number, bigint> }> {
  const windowStart = new Date(Number(row.start_ms));
  const billing = await tenantBilling(row.tenant_id, windowStart);
  const period = tenantPeriod(billing.tenant, windowStart);
  // A batch sent after its period ended is rated with that period's terms, not today's.
  const terms = (await tariffBook(row.tenant_id, now)).terms(period);
  const [resolved] = await getDatabase().sql.query<{ units: string | null }>(
    `SELECT SUM(units)::text AS units FROM billing_batches
      WHERE tenant_id = $1 AND meter = $2 AND status <> 'pending' AND window_start >= $3 AND window_start < $4`,
    [row.tenant_id, row.meter, period.start.toISOString(), period.end.toISOString()],
  );
  const before = BigInt(resolved?.units ?? '0');
  const units = BigInt(row.units);
  const meter = row.meter;
  const billedUnits = terms.basis === 'reserved' ? billableUnitsInBatch(before, units, terms.included[meter]) : units;
  const linesAt = (used: bigint) => rate(terms, { vex: 0n, fu: 0n, [meter]: used }).meters[meter].lines;
  const overage = new Map<number, bigint>();
  for (const line of linesAt(before + units)) overage.set(line.tier, line.amount);
  for (const line of linesAt(before)) overage.set(line.tier, (overage.get(line.tier) ?? 0n) - line.amount);
  return { billedUnits, overage };
}

/** pending → sent | skipped | failed, exactly once; false when another sender already resolved it. */
async function markResolved(batch: ClaimedBatch, status: 'sent' | 'skipped' | 'failed', provider: string, note: string | null, at: Date): Promise<boolean> {
  const rows = await getDatabase().sql.query(
    `UPDATE billing_batches SET status = $2, provider = $3, last_error = $4, sent_at = $5, billed_units = $6
      WHERE id = $1 AND status = 'pending' RETURNING id`,
    [batch.id, status, provider, note, status === 'sent' ? at.toISOString() : null, status === 'skipped' ? '0' : batch.billedUnits.toString()],
  );
  if (rows.length === 1) billingBatchesTotal.inc({ meter: batch.meter, outcome: status });
  return rows.length === 1;
}

function countOverage(batch: ClaimedBatch): void {
  for (const [tier, amount] of batch.overage) {
    if (amount > 0n) overageChargesTotal.inc({ tenant: batch.tenantId, type: batch.meter, tier: String(tier) }, Number(formatUsd(amount)));
  }
}

/** Sets the backlog gauges from the batches still pending (every instance reports the same table). */
export async function measureBacklog(): Promise<void> {
  const [row] = await getDatabase().sql.query<{ pending: number; oldest: number | null }>(
    `SELECT count(*)::int AS pending, extract(epoch FROM min(created_at))::float8 AS oldest FROM billing_batches WHERE status = 'pending'`,
  );
  billingOutboxPendingBatches.set(row?.pending ?? 0);
  billingOutboxOldestPending.set(row?.oldest ?? 0);
}

export interface WorkerOptions extends OutboxOptions {
  /** Pause between runs (default 5 s). */
  intervalMs?: number;
}

/** Runs batching and sending on a timer; `stop` lets the current batch finish, within a bound. */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;
  private noticesCheckedAt = 0;

  constructor(
    private readonly provider: BillingProvider,
    private readonly options: WorkerOptions = {},
  ) {}

  start(): void {
    if (this.timer || this.stopping) return;
    this.schedule(0);
  }

  /** Runs batching then sending once (also what the timer does). */
  async runOnce(): Promise<SendReport> {
    // A downgrade due at the period's end takes effect before that period's usage is rated.
    await applyDuePlanChanges(this.options.now?.());
    await batchUsage(this.options);
    const report = await sendDueBatches(this.provider, { ...this.options, shouldStop: () => this.stopping });
    await measureBacklog();
    // Usage notices need the period's sums per tenant: checked once a minute, not every run.
    const now = this.options.now?.() ?? new Date();
    if (now.getTime() - this.noticesCheckedAt >= 60_000) {
      this.noticesCheckedAt = now.getTime();
      await sendUsageNotices(now);
    }
    return report;
  }

  /** Resolves when the run in progress has finished its current batch, or after `timeoutMs`. */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.running) return;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise<void>((resolve) => (timeout = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timeout);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => logger.error({ err }, 'billing outbox run failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopping) this.schedule(this.options.intervalMs ?? 5_000);
        });
    }, delayMs);
    this.timer.unref();
  }
}
