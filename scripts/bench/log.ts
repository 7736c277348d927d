// Transparency-log figures for npm run bench: integration latency (a receipt's created_at to the
// signing of the first checkpoint that holds it, from the database after the run), and the
// sequencer alone on a backlog of receipts in a fresh database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerDatabase } from '@/server/db';
import { openDatabase } from '@/server/db/connection';
import { migrate } from '@/server/db/migrate';
import { ensureLogKey } from '@/server/log/key';
import { Sequencer } from '@/server/log/sequencer';

export interface IntegrationReport {
  receipts: number;
  sequenced: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export async function logIntegration(opts: { databaseUrl: string | null; dataDir: string }): Promise<IntegrationReport> {
  const db = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
  try {
    const [row] = await db.sql.query<{ receipts: string; sequenced: string; p50: number | null; p95: number | null; max: number | null }>(
      `WITH l AS (
         SELECT extract(epoch FROM (c.signed_at - r.created_at)) * 1000 AS ms
           FROM log_leaves lv
           JOIN receipts r ON r.receipt_hash = lv.receipt_hash
           CROSS JOIN LATERAL (SELECT signed_at FROM log_checkpoints c WHERE c.size > lv.leaf_index ORDER BY c.size LIMIT 1) c)
       SELECT (SELECT count(*) FROM receipts)::text AS receipts, count(*)::text AS sequenced,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::float8 AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::float8 AS p95,
              max(ms)::float8 AS max
         FROM l`,
    );
    return { receipts: Number(row!.receipts), sequenced: Number(row!.sequenced), p50Ms: row!.p50 ?? NaN, p95Ms: row!.p95 ?? NaN, maxMs: row!.max ?? NaN };
  } finally {
    await db.close();
  }
}

export interface SequencerReport {
  entries: number;
  seconds: number;
  perSecond: number;
  batches: number;
}

/** Sequences `entries` receipts committed beforehand, in batches of 4,096, and times it. */
export async function benchSequencer(databaseUrl: string | null, entries: number): Promise<SequencerReport> {
  const dataDir = databaseUrl ? '' : mkdtempSync(path.join(tmpdir(), 'signet-bench-seq-'));
  const db = await openDatabase({ databaseUrl, dataDir });
  registerDatabase(db);
  try {
    await migrate(db.sql);
    await db.sql.query(`INSERT INTO tenants (id, name) VALUES ('seq', 'seq')`);
    await db.sql.query(`INSERT INTO traces (id, tenant_id, head_hop, head_hash) VALUES ('tr-seq', 'seq', $1, 'sha256:x')`, [entries]);
    await db.sql.query(
      `INSERT INTO receipts (trace_id, hop, tenant_id, receipt_hash, payload_type, target_type, cid, created_at, body)
       SELECT 'tr-seq', g, 'seq', 'sha256:' || encode(sha256(('seq ' || g)::bytea), 'hex'), 'p', 't', 'sha256:x', now(), '{}'
         FROM generate_series(1, $1::int) AS g`,
      [entries],
    );
    const identity = await ensureLogKey({ explicitOrigin: 'bench.example/v1/log', publicUrl: 'http://localhost', encryptionKey: null });
    const sequencer = new Sequencer(identity);
    const started = performance.now();
    let batches = 0;
    for (;;) {
      const r = await sequencer.runBatch();
      if (r.sequenced === 0) break;
      batches++;
    }
    const seconds = (performance.now() - started) / 1000;
    return { entries, seconds, perSecond: entries / seconds, batches };
  } finally {
    await db.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
