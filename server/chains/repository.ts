// Reading receipt chains back: a trace's receipts in hop order (byte-exact as signed), the
// signed export bundle, and the tenant's recent traces for the portal.
import { getDatabase } from '../db';
import { buildBundle } from '../receipts/build';
import type { ExportBundle, Receipt } from '../receipts/types';
import { activeSigner } from '../keys/signing-keys';
import { bundleLog, type BundleLog } from '../log/service';

/** Who may read a chain: a tenant (its own traces only) or a platform auditor/admin (all). */
export type ChainReader = { tenantId: string } | { platform: true };

/** The chain as stored, or null when the trace does not exist for this reader (never "forbidden"). */
export async function loadChain(traceId: string, reader: ChainReader): Promise<Receipt[] | null> {
  const sql = getDatabase().sql;
  const rows =
    'tenantId' in reader
      ? await sql.query<{ body: string }>('SELECT body FROM receipts WHERE trace_id = $1 AND tenant_id = $2 ORDER BY hop', [traceId, reader.tenantId])
      : await sql.query<{ body: string }>('SELECT body FROM receipts WHERE trace_id = $1 ORDER BY hop', [traceId]);
  if (rows.length === 0) return null;
  return rows.map((r) => JSON.parse(r.body) as Receipt);
}

/** The signed bundle, with `log` (outside bundle_cid, SPEC §7) once the log has a checkpoint. */
export async function exportChain(traceId: string, reader: ChainReader, now = new Date()): Promise<(ExportBundle & { log?: BundleLog }) | null> {
  const chain = await loadChain(traceId, reader);
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
