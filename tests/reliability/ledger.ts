// Audits everything an exchange writes, straight from the database: every trace's chain is
// hops 1..n with no gap, duplicate or fork and verifies against the JWKS; its head matches the
// last hop; every receipt has exactly one VEx usage row and every usage row its receipt; no
// idempotency record is half-written; billed-or-pending batches account for every usage row.
import type { SqlQueryable } from '@/server/db/sql';
import type { Jwks } from '@/server/receipts/types';
import { verifyChain } from '@/server/receipts/verify';

export interface LedgerAudit {
  traces: number;
  receipts: number;
  vexUnits: number;
  chainsVerified: number;
  /** Receipt hashes per trace ("<tenant>/<trace id>"), hop order. */
  chains: Map<string, string[]>;
  problems: string[];
}

export async function auditLedger(sql: SqlQueryable, jwks: Jwks): Promise<LedgerAudit> {
  const problems: string[] = [];
  // A trace is (tenant, trace id).
  const receipts = await sql.query<{ trace: string; trace_id: string; hop: number; receipt_hash: string; body: string }>(
    `SELECT tenant_id || '/' || trace_id AS trace, trace_id, hop, receipt_hash, body FROM receipts ORDER BY tenant_id, trace_id, hop`,
  );
  const byTrace = new Map<string, typeof receipts>();
  for (const r of receipts) byTrace.set(r.trace, [...(byTrace.get(r.trace) ?? []), r]);

  const heads = await sql.query<{ trace: string; id: string; head_hop: number; head_hash: string }>(
    `SELECT tenant_id || '/' || id AS trace, id, head_hop, head_hash FROM traces`,
  );
  let chainsVerified = 0;
  for (const head of heads) {
    const chain = byTrace.get(head.trace) ?? [];
    const hops = chain.map((r) => Number(r.hop));
    if (hops.some((h, i) => h !== i + 1)) problems.push(`trace ${head.trace}: hops ${hops.join(',')} are not 1..${hops.length}`);
    const last = chain.at(-1);
    if (Number(head.head_hop) !== chain.length || (last && head.head_hash !== last.receipt_hash)) {
      problems.push(`trace ${head.trace}: head (${head.head_hop}) does not match its last receipt (${chain.length})`);
    }
    if (chain.length === 0) continue;
    const report = verifyChain(chain.map((r) => JSON.parse(r.body)), jwks, { traceId: head.id });
    if (report.valid) chainsVerified++;
    else problems.push(`trace ${head.trace}: chain does not verify: ${JSON.stringify(report.firstFailure)}`);
  }
  for (const trace of byTrace.keys()) if (!heads.some((h) => h.trace === trace)) problems.push(`receipts of trace ${trace} have no trace row`);

  const orphans = await sql.query<{ kind: string; n: string }>(
    `SELECT 'receipt without vex usage' AS kind, count(*)::text AS n FROM receipts r
       WHERE NOT EXISTS (SELECT 1 FROM usage_events u WHERE u.receipt_hash = r.receipt_hash AND u.meter = 'vex')
     UNION ALL SELECT 'usage without receipt', count(*)::text FROM usage_events u
       WHERE NOT EXISTS (SELECT 1 FROM receipts r WHERE r.receipt_hash = u.receipt_hash)
     UNION ALL SELECT 'half-written idempotency record', count(*)::text FROM idempotency_records WHERE status = 0
     UNION ALL SELECT 'idempotency record without its receipt', count(*)::text FROM idempotency_records i
       WHERE i.status = 200 AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.receipt_hash = i.response_body::jsonb #>> '{receipt,receipt_hash}')
     UNION ALL SELECT 'usage unaccounted by billing batches', count(*)::text FROM usage_events u
       WHERE u.batch_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM billing_batches b WHERE b.id = u.batch_id AND u.receipt_hash = ANY(b.receipt_hashes))`,
  );
  for (const o of orphans) if (Number(o.n) > 0) problems.push(`${o.n} ${o.kind}`);

  const [vex] = await sql.query<{ units: string; batched: string; unbatched: string }>(
    `SELECT coalesce(sum(units), 0)::text AS units,
            coalesce(sum(units) FILTER (WHERE batch_id IS NOT NULL), 0)::text AS batched,
            coalesce(sum(units) FILTER (WHERE batch_id IS NULL), 0)::text AS unbatched
       FROM usage_events WHERE meter = 'vex'`,
  );
  const [batches] = await sql.query<{ units: string }>(`SELECT coalesce(sum(units), 0)::text AS units FROM billing_batches WHERE meter = 'vex'`);
  if (BigInt(batches!.units) !== BigInt(vex!.batched)) problems.push(`billing batches hold ${batches!.units} VEx but ${vex!.batched} usage units are batched`);
  if (BigInt(vex!.units) !== BigInt(receipts.length)) problems.push(`${vex!.units} VEx units for ${receipts.length} receipts`);

  return {
    traces: heads.length,
    receipts: receipts.length,
    vexUnits: Number(vex!.units),
    chainsVerified,
    chains: new Map([...byTrace].map(([id, rs]) => [id, rs.map((r) => r.receipt_hash)])),
    problems,
  };
}
