// The retention purge: receipts are kept SP_RETENTION_YEARS (default 7) and then removed a
// whole trace at a time — never a prefix of a chain, which would leave the rest unverifiable.
// A trace goes only when its newest receipt is older than both the requested date and the
// retention cutoff; asking for a date inside the retention period is refused outright.
// The receipts trigger (prisma/migrations/*_receipts_append_only) allows DELETE only while
// signet.retention_purge is 'on', which each batch's transaction sets for itself alone (SET LOCAL).
// Batches of SP_RETENTION_BATCH traces, one transaction each, so no lock outlives a batch; each
// batch's audit entry (what it removed) commits with its deletions, so the log never claims a
// purge that rolled back nor misses one that committed.
import { audit, type AuditActor } from '../audit/log';
import { loadConfig } from '../config';
import { getDatabase } from '../db';

export class RetentionError extends Error {}

export interface PurgeRequest {
  /** Purge traces whose newest receipt is older than this. */
  before: Date;
  retentionYears?: number;
  now?: Date;
  actor?: AuditActor;
  /** Count what would go, delete nothing. */
  dryRun?: boolean;
  /** Traces per transaction (SP_RETENTION_BATCH, default 500). */
  batchSize?: number;
}

export interface PurgeReport {
  cutoff: string;
  before: string;
  traces: number;
  receipts: number;
  usageEvents: number;
  idempotencyRecords: number;
  /** Transactions the purge took (each at most batchSize traces). */
  batches: number;
  dryRun: boolean;
}

const SYSTEM: AuditActor = { id: null, email: 'system:retention-purge', ip: null };

/** The oldest moment still inside the retention period. */
export function retentionCutoff(now: Date, years: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}

export async function purgeExpiredTraces(req: PurgeRequest): Promise<PurgeReport> {
  const years = req.retentionYears ?? loadConfig().retention.years;
  const cutoff = retentionCutoff(req.now ?? new Date(), years);
  if (Number.isNaN(req.before.getTime())) throw new RetentionError('the purge date is not a valid date');
  if (req.before > cutoff) {
    throw new RetentionError(`refusing to purge receipts younger than the ${years}-year retention period: --before must be on or before ${cutoff.toISOString()}`);
  }
  const batchSize = req.batchSize ?? loadConfig().retention.batch;
  const totals = { traces: 0, receipts: 0, usageEvents: 0, idempotencyRecords: 0, batches: 0 };
  let after: { tenant_id: string; id: string } | null = null;
  // One transaction per batch of traces, in (tenant, id) order: locks are held for one batch
  // only, and a trace an exchange is appending to right now is skipped (it is not expired).
  for (;;) {
    const done = await purgeBatch(req, cutoff, ++totals.batches, after, batchSize);
    totals.traces += done.traces;
    totals.receipts += done.receipts;
    totals.usageEvents += done.usageEvents;
    totals.idempotencyRecords += done.idempotencyRecords;
    if (!done.last || done.traces < batchSize) break;
    after = done.last;
  }
  return { cutoff: cutoff.toISOString(), before: req.before.toISOString(), ...totals, dryRun: Boolean(req.dryRun) };
}

async function purgeBatch(req: PurgeRequest, cutoff: Date, batch: number, after: { tenant_id: string; id: string } | null, batchSize: number) {
  return getDatabase().sql.transaction(async (tx) => {
    // Traces (tenant, id) whose every receipt is expired; locked so no exchange appends to one meanwhile.
    const expired = await tx.query<{ tenant_id: string; id: string }>(
      `SELECT t.tenant_id, t.id FROM traces t
        WHERE t.updated_at < $1 AND ($2::text IS NULL OR (t.tenant_id, t.id) > ($2, $3))
          AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.tenant_id = t.tenant_id AND r.trace_id = t.id AND r.created_at >= $1)
        ORDER BY t.tenant_id, t.id LIMIT $4
        ${req.dryRun ? '' : 'FOR UPDATE SKIP LOCKED'}`,
      [req.before, after?.tenant_id ?? null, after?.id ?? null, batchSize],
    );
    const traces = [expired.map((t) => t.tenant_id), expired.map((t) => t.id)];
    const counted = async (sql: string) => Number((await tx.query<{ n: string }>(sql, traces))[0]!.n);
    const ofTraces = (tenant: string, trace: string) => `(${tenant}, ${trace}) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;
    const theirReceipts = `SELECT receipt_hash FROM receipts WHERE ${ofTraces('tenant_id', 'trace_id')}`;
    // An idempotency record names its trace and its API key, whose tenant completes the pair.
    const theirRecords = `FROM idempotency_records i USING api_keys k WHERE k.id = i.api_key_id AND ${ofTraces('k.tenant_id', 'i.trace_id')}`;
    const last = expired.at(-1) ?? null;
    // A purge that finds nothing still leaves its one entry (batch 1); a later empty batch none.
    const record = (counts: { traces: number; receipts: number; usageEvents: number; idempotencyRecords: number }) =>
      audit(tx, req.actor ?? SYSTEM, 'retention.purge', { detail: { cutoff: cutoff.toISOString(), before: req.before.toISOString(), batch, ...counts } });
    if (req.dryRun || expired.length === 0) {
      if (expired.length === 0) {
        const none = { traces: 0, receipts: 0, usageEvents: 0, idempotencyRecords: 0 };
        if (!req.dryRun && batch === 1) await record(none);
        return { ...none, last };
      }
      return {
        traces: expired.length,
        receipts: await counted(`SELECT count(*)::text AS n FROM receipts WHERE ${ofTraces('tenant_id', 'trace_id')}`),
        usageEvents: await counted(`SELECT count(*)::text AS n FROM usage_events WHERE receipt_hash IN (${theirReceipts})`),
        idempotencyRecords: await counted(`SELECT count(*)::text AS n FROM idempotency_records i JOIN api_keys k ON k.id = i.api_key_id WHERE ${ofTraces('k.tenant_id', 'i.trace_id')}`),
        last,
      };
    }
    await tx.query(`SELECT set_config('signet.retention_purge', 'on', true)`);
    // Transparency-log leaves and tiles are never touched: the log is append-only for ever
    // (server/log), and a purged receipt's leaf stays provable by its hash.
    const usageEvents = await counted(`WITH d AS (DELETE FROM usage_events WHERE receipt_hash IN (${theirReceipts}) RETURNING 1) SELECT count(*)::text AS n FROM d`);
    const idempotencyRecords = await counted(`WITH d AS (DELETE ${theirRecords} RETURNING 1) SELECT count(*)::text AS n FROM d`);
    const receipts = await counted(`WITH d AS (DELETE FROM receipts WHERE ${ofTraces('tenant_id', 'trace_id')} RETURNING 1) SELECT count(*)::text AS n FROM d`);
    await tx.query(`DELETE FROM traces WHERE ${ofTraces('tenant_id', 'id')}`, traces);
    const counts = { traces: expired.length, receipts, usageEvents, idempotencyRecords };
    await record(counts);
    return { ...counts, last };
  });
}
