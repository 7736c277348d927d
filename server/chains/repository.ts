// Reading receipt chains back: a trace's receipts in hop order (byte-exact as signed), the
// signed export bundle, and the tenant's recent traces for the portal.
import { getDatabase } from '../db';
import { buildBundle } from '../receipts/build';
import type { ExportBundle, Receipt } from '../receipts/types';
import { activeSigner } from '../keys/signing-keys';
import { bundleLog, type BundleLog } from '../log/service';

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
export async function exportChain(tenantId: string, traceId: string, now = new Date()): Promise<(ExportBundle & { log?: BundleLog }) | null> {
  const chain = await loadChain(tenantId, traceId);
  if (!chain) return null;
  const bundle = buildBundle(traceId, chain, now.toISOString(), await activeSigner());
  const log = await bundleLog(chain);
  return log ? { ...bundle, log } : bundle;
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
