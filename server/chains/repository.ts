// Reading receipt chains back: a trace's receipts in hop order (byte-exact as signed), the
// signed export bundle, and the tenant's recent traces for the portal.
import { getDatabase } from '../db';
import { buildBundle } from '../receipts/build';
import type { ExportBundle, Receipt } from '../receipts/types';
import { activeSigner } from '../keys/signing-keys';
import { bundleLog } from '../log/service';

/**
 * A trace's chain as stored, or null when the tenant has no such trace. A trace is (tenant,
 * trace id) (SPEC §2); who may read which tenant's chains is decided by the caller.
 */
export async function loadChain(tenantId: string, traceId: string): Promise<Receipt[] | null> {
  const rows = await getDatabase().sql.query<{ body: string }>('SELECT body FROM receipts WHERE tenant_id = $1 AND trace_id = $2 ORDER BY hop', [tenantId, traceId]);
  if (rows.length === 0) return null;
  return rows.map((r) => JSON.parse(r.body) as Receipt);
}

/** The signed bundle, with `log` (outside bundle_cid, SPEC §7) once the log has a checkpoint. */
export async function exportChain(tenantId: string, traceId: string, now = new Date()): Promise<ExportBundle | null> {
  const chain = await loadChain(tenantId, traceId);
  if (!chain) return null;
  const bundle = buildBundle(traceId, chain, now.toISOString(), await activeSigner());
  const log = await bundleLog(chain);
  return log ? { ...bundle, log } : bundle;
}

/** Remembers who fetched an export (its User-Agent, cut to 200 characters): the admin KPIs count signet-verify's. */
export async function recordExportFetch(tenantId: string, traceId: string, userAgent: string | undefined): Promise<void> {
  await getDatabase().sql.query('INSERT INTO export_fetches (tenant_id, trace_id, user_agent) VALUES ($1, $2, $3)', [tenantId, traceId, userAgent?.slice(0, 200) ?? null]);
}

export interface TraceSummary {
  traceId: string;
  tenantId: string;
  hops: number;
  headHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export async function listTraces(filter: { tenantId?: string; take?: number; search?: string }): Promise<TraceSummary[]> {
  const params: unknown[] = [Math.min(filter.take ?? 50, 200)];
  const where: string[] = ['head_hop > 0'];
  if (filter.tenantId) {
    params.push(filter.tenantId);
    where.push(`tenant_id = $${params.length}`);
  }
  if (filter.search) {
    params.push(`${filter.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
    where.push(`id LIKE $${params.length}`);
  }
  const rows = await getDatabase().sql.query<{ id: string; tenant_id: string; head_hop: number; head_hash: string; created_at: Date; updated_at: Date }>(
    `SELECT id, tenant_id, head_hop, head_hash, created_at, updated_at FROM traces WHERE ${where.join(' AND ')} ORDER BY updated_at DESC LIMIT $1`,
    params,
  );
  return rows.map((r) => ({ traceId: r.id, tenantId: r.tenant_id, hops: r.head_hop, headHash: r.head_hash, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) }));
}

export interface ReceiptFilter {
  tenantId: string;
  /** The beginning of a trace id. */
  search?: string;
  /** Matches the payload type or the target type. */
  type?: string;
  repaired?: boolean;
  fallback?: boolean;
  from?: Date;
  to?: Date;
}

export interface ReceiptListItem {
  id: string;
  traceId: string;
  hop: number;
  createdAt: string;
  payloadType: string;
  targetType: string;
  receiptHash: string;
  repaired: boolean;
  fallback: boolean;
}

/** The last row of the previous page. */
export interface ReceiptCursor {
  at: string;
  id: string;
}

// A receipt's stored text is JSON.stringify of the receipt (no whitespace), and every string in
// it escapes its quotes, so these spell its top-level `repair` and `fallback_used` fields only.
const REPAIRED = `r.body LIKE '%"repair":{%'`;
const FALLBACK = `r.body LIKE '%"fallback_used":true%'`;

/** A tenant's receipts, newest first, keyset-paginated on (created_at, id). */
export async function listReceipts(filter: ReceiptFilter, page: { cursor?: ReceiptCursor; limit: number }) {
  const params: unknown[] = [filter.tenantId];
  const where = ['r.tenant_id = $1'];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.search) add((p) => `r.trace_id LIKE ${p}`, `${filter.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
  if (filter.type) add((p) => `(r.payload_type = ${p} OR r.target_type = ${p})`, filter.type);
  if (filter.repaired !== undefined) where.push(filter.repaired ? REPAIRED : `NOT ${REPAIRED}`);
  if (filter.fallback !== undefined) where.push(filter.fallback ? FALLBACK : `NOT ${FALLBACK}`);
  if (filter.from) add((p) => `r.created_at >= ${p}::timestamp(3)`, filter.from.toISOString());
  if (filter.to) add((p) => `r.created_at < ${p}::timestamp(3)`, filter.to.toISOString());
  if (page.cursor) {
    params.push(page.cursor.at, page.cursor.id);
    where.push(`(r.created_at, r.id) < ($${params.length - 1}::timestamp(3), $${params.length}::bigint)`);
  }
  params.push(page.limit + 1);
  const rows = await getDatabase().sql.query<{
    id: string;
    trace_id: string;
    hop: number;
    created_at: string;
    payload_type: string;
    target_type: string;
    receipt_hash: string;
    repaired: boolean;
    fallback: boolean;
  }>(
    `SELECT r.id::text, r.trace_id, r.hop, to_char(r.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, r.payload_type, r.target_type,
            r.receipt_hash, ${REPAIRED} AS repaired, ${FALLBACK} AS fallback
       FROM receipts r
      WHERE ${where.join(' AND ')}
      ORDER BY r.created_at DESC, r.id DESC
      LIMIT $${params.length}`,
    params,
  );
  const items: ReceiptListItem[] = rows.slice(0, page.limit).map((r) => ({
    id: r.id,
    traceId: r.trace_id,
    hop: r.hop,
    createdAt: r.created_at,
    payloadType: r.payload_type,
    targetType: r.target_type,
    receiptHash: r.receipt_hash,
    repaired: r.repaired,
    fallback: r.fallback,
  }));
  const last = items.at(-1);
  const nextCursor: ReceiptCursor | null = rows.length > page.limit && last ? { at: last.createdAt, id: last.id } : null;
  return { items, nextCursor };
}
