// The receipts explorer's list: keyset pages on (created_at, id) that neither repeat nor skip
// receipts sharing a timestamp, past the 100 the trace list used to stop at, and its filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listReceipts, type ReceiptCursor, type ReceiptFilter } from '@/server/chains/repository';
import { openTestDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase(process.env.DATABASE_URL);
  await db.prisma.tenant.create({ data: { id: 'ex', name: 'Explorer' } });
  await db.prisma.tenant.create({ data: { id: 'ex-other', name: 'Other' } });
  // 130 receipts on 13 traces, three timestamps shared by many; every 10th repaired, every 13th with fallback.
  const at = ['2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.500Z', '2026-11-30T11:00:00.000Z'];
  for (let t = 0; t < 13; t++) {
    await db.sql.query('INSERT INTO traces (tenant_id, id, head_hop, head_hash) VALUES ($1, $2, 10, $3)', ['ex', `tr-${t}`, `sha256:${t}`]);
    for (let hop = 1; hop <= 10; hop++) {
      const i = t * 10 + hop;
      const body = JSON.stringify({
        trace_id: `tr-${t}`,
        hop,
        canon: '{"note":"\\"repair\\":{ is escaped in here"}',
        ...(i % 13 === 0 && { fallback_used: true, fu_tokens: 20 }),
        ...(i % 10 === 0 && { repair: { method: 'deterministic', changes: [] } }),
      });
      await db.sql.query(
        `INSERT INTO receipts (trace_id, hop, tenant_id, receipt_hash, payload_type, target_type, cid, created_at, body)
         VALUES ($1, $2, 'ex', $3, 'p.v1', $4, 'sha256:c', $5::timestamp(3), $6)`,
        [`tr-${t}`, hop, `sha256:r${i}`, t % 2 ? 'a.v1' : 'b.v1', at[i % 4], body],
      );
    }
  }
  await db.sql.query(`INSERT INTO traces (tenant_id, id, head_hop, head_hash) VALUES ('ex-other', 'tr-0', 1, 'x')`);
  await db.sql.query(`INSERT INTO receipts (trace_id, hop, tenant_id, receipt_hash, payload_type, target_type, cid, created_at, body)
                      VALUES ('tr-0', 1, 'ex-other', 'sha256:other', 'p.v1', 'b.v1', 'sha256:c', '2026-11-30T10:00:00', '{}')`);
}, 180_000);
afterAll(async () => {
  await db?.dispose();
});

async function all(filter: Omit<ReceiptFilter, 'tenantId'>, limit: number) {
  const seen: { hash: string; at: string; id: string; repaired: boolean; fallback: boolean }[] = [];
  let cursor: ReceiptCursor | undefined;
  do {
    const page = await listReceipts({ tenantId: 'ex', ...filter }, { cursor, limit });
    seen.push(...page.items.map((r) => ({ hash: r.receiptHash, at: r.createdAt, id: r.id, repaired: r.repaired, fallback: r.fallback })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return seen;
}

describe('receipts explorer', () => {
  it('pages through all 130 receipts, newest first, without repeats or gaps', async () => {
    const seen = await all({}, 17);
    expect(seen).toHaveLength(130);
    expect(new Set(seen.map((r) => r.hash)).size).toBe(130);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(a.at > b.at || (a.at === b.at && BigInt(a.id) > BigInt(b.id))).toBe(true);
    }
    expect(seen.map((r) => r.hash)).not.toContain('sha256:other');
  });

  it('filters by repair, fallback, type, trace prefix and time', async () => {
    const repaired = await all({ repaired: true }, 4);
    expect(repaired.map((r) => r.hash).sort()).toEqual(Array.from({ length: 13 }, (_, k) => `sha256:r${(k + 1) * 10}`).sort());
    expect((await all({ repaired: false }, 50)).length).toBe(117);
    expect((await all({ fallback: true }, 3)).map((r) => r.hash).sort()).toEqual(Array.from({ length: 10 }, (_, k) => `sha256:r${(k + 1) * 13}`).sort());
    expect((await all({ type: 'a.v1' }, 50)).length).toBe(60);
    expect((await all({ search: 'tr-1' }, 50)).length).toBe(40); // tr-1, tr-10, tr-11, tr-12
    expect((await all({ from: new Date('2026-11-30T10:00:00.500Z'), to: new Date('2026-11-30T11:00:00.000Z') }, 50)).length).toBe(33); // i ≡ 2 (mod 4)
  });
});
