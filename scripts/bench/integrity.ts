// After a benchmark: receipts = usage-ledger rows = successful responses, no gaps in hops,
// trace heads match, and a sample of chains verifies with the published keys.
import { openDatabase } from '@/server/db/connection';
import { publicJwk } from '@/server/receipts/node-signer';
import type { Receipt } from '@/server/receipts/types';
import { verifyChain } from '@/server/receipts/verify';

export interface IntegrityReport {
  receipts: number;
  usageVex: number;
  expected: number;
  gaps: number;
  headMismatches: number;
  sampled: number;
  sampledValid: number;
}

export async function checkIntegrity(opts: { databaseUrl: string | null; dataDir: string; expected: number; sample: number }): Promise<IntegrityReport> {
  const db = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
  try {
    const one = async (q: string) => Number(Object.values((await db.sql.query(q))[0] ?? { n: 0 })[0]);
    const receipts = await one('SELECT count(*) FROM receipts');
    const usageVex = await one(`SELECT count(*) FROM usage_events WHERE meter = 'vex'`);
    const gaps = await one('SELECT count(*) FROM (SELECT 1 FROM receipts GROUP BY tenant_id, trace_id HAVING max(hop) <> count(*) OR min(hop) <> 1) g');
    const headMismatches = await one('SELECT count(*) FROM traces t WHERE t.head_hop <> (SELECT count(*) FROM receipts r WHERE r.tenant_id = t.tenant_id AND r.trace_id = t.id)');
    const keys = await db.sql.query<{ kid: string; public_key: string }>('SELECT kid, public_key FROM signing_keys');
    const jwks = { keys: keys.map((k) => publicJwk(k.public_key, k.kid)) };
    const traces = await db.sql.query<{ tenant_id: string; id: string }>(`SELECT tenant_id, id FROM traces ORDER BY head_hop DESC, tenant_id, id LIMIT $1`, [opts.sample]);
    let sampledValid = 0;
    for (const t of traces) {
      const rows = await db.sql.query<{ body: string }>('SELECT body FROM receipts WHERE tenant_id = $1 AND trace_id = $2 ORDER BY hop', [t.tenant_id, t.id]);
      if (verifyChain(rows.map((r) => JSON.parse(r.body) as Receipt), jwks).valid) sampledValid++;
    }
    return { receipts, usageVex, expected: opts.expected, gaps, headMismatches, sampled: traces.length, sampledValid };
  } finally {
    await db.close();
  }
}
