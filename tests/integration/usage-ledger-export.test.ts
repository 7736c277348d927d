// GET /v1/billing/usage-ledger streams every usage row of the period in keyset batches: exact
// rows (none lost or repeated across batch edges, even among equal timestamps), and a large
// export held in constant memory (the heap grows by far less than the export's size). The
// portal's download: a signed-in member gets their tenant's ledger without a key, never another's.
import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '@/tests/support/api';
import { usingPostgres } from '@/tests/support/db';
import { usageLedger } from '@/server/billing/ledger-export';
import { calendarMonth } from '@/server/billing/period';
import { createUser } from '@/server/tenants/accounts';

// Fewer on PGlite, whose inserts are slower; either is many times a 5,000-row batch.
const ROWS = usingPostgres ? 250_000 : 120_000;

// A collection on demand, so the heap is measured as what is held, not as garbage not yet collected.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heldMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1_048_576;
};
const AUTH_SECRET = 'ledger-test-secret-0123456789';
let api: TestApi;
let key: string;
let memberCookie: string;
const period = calendarMonth(new Date());

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = AUTH_SECRET;
  api = await startTestApi();
  key = await api.tenantWithKey('ledger');
  await api.tenantWithKey('other');
  const member = await createUser({ email: 'member@ledger.test', password: 'a-long-password', name: 'member' });
  await api.db.prisma.membership.create({ data: { userId: member.id, tenantId: 'ledger', role: 'member' } });
  memberCookie = `next-auth.session-token=${await encode({ token: { sub: member.id, email: 'member@ledger.test' }, secret: AUTH_SECRET })}`;
  // Spread over the current month, 1,000 rows per second of it: many share a millisecond.
  await api.db.sql.query(
    `INSERT INTO usage_events (tenant_id, meter, units, receipt_hash, occurred_at)
     SELECT 'ledger', CASE WHEN g % 10 = 0 THEN 'fu' ELSE 'vex' END, CASE WHEN g % 10 = 0 THEN 120 ELSE 1 END,
            'sha256:' || lpad(to_hex(g), 64, '0'), $2::timestamp + (g / 1000) * interval '1 second'
       FROM generate_series(1, $1::int) AS g`,
    [ROWS, period.start.toISOString()],
  );
  await api.db.sql.query(`INSERT INTO usage_events (tenant_id, meter, units, receipt_hash, occurred_at) VALUES ('other', 'vex', 1, 'sha256:other', $1)`, [period.start.toISOString()]);
}, 600_000);
afterAll(async () => {
  delete process.env.NEXTAUTH_SECRET;
  await api?.close();
});

describe('usage ledger export', () => {
  it('gives each row exactly once across batch edges among equal timestamps', async () => {
    const small = { start: period.start, end: new Date(period.start.getTime() + 3000) };
    let text = '';
    for await (const chunk of usageLedger(api.db.sql, 'ledger', small, 'ndjson', 7)) text += chunk;
    const rows = text.trim().split('\n').map((l) => JSON.parse(l));
    const expected = await api.db.sql.query<{ receipt_hash: string; meter: string }>(
      `SELECT receipt_hash, meter FROM usage_events WHERE tenant_id = 'ledger' AND occurred_at >= $1 AND occurred_at < $2 ORDER BY meter, occurred_at, id`,
      [small.start.toISOString(), small.end.toISOString()],
    );
    expect(expected.length).toBe(2999);
    expect(rows.map((r) => [r.receipt_hash, r.meter])).toEqual(expected.map((r) => [r.receipt_hash, r.meter]));
    expect(new Set(rows.map((r) => r.receipt_hash)).size).toBe(rows.length);
  });

  it(`streams ${ROWS.toLocaleString('en-US')} rows as CSV over HTTP with the heap far below the export's size`, async () => {
    const base = heldMb();
    let peak = base;
    let parts = 0;
    const res = await fetch(`${api.url}/v1/billing/usage-ledger?period=current&format=csv`, { headers: { 'x-signet-api-key': key } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    let bytes = 0;
    let lines = 0;
    let units = 0n;
    let partial = '';
    const hash = createHash('sha256');
    const decoder = new TextDecoder();
    for await (const part of res.body! as unknown as AsyncIterable<Uint8Array>) {
      // Every 20th batch: what the server and this reader hold mid-export.
      if (++parts % 20 === 0) peak = Math.max(peak, heldMb());
      bytes += part.byteLength;
      hash.update(part);
      const text = partial + decoder.decode(part, { stream: true });
      const split = text.split('\r\n');
      partial = split.pop()!;
      for (const l of split) {
        lines++;
        if (lines > 1) units += BigInt(l.split(',')[2]!);
      }
    }
    expect(partial).toBe('');
    expect(lines).toBe(ROWS + 1);
    const [sum] = await api.db.sql.query<{ units: string }>(`SELECT SUM(units)::text AS units FROM usage_events WHERE tenant_id = 'ledger'`);
    expect(units).toBe(BigInt(sum!.units));
    const grewMb = peak - base;
    const exportMb = bytes / 1_048_576;
    console.log(`usage ledger export: ${ROWS} rows, ${exportMb.toFixed(1)} MB, heap grew ${grewMb.toFixed(1)} MB at most`);
    // Holding the rows would take more than the export's size; a batch is 5,000 rows (~0.5 MB).
    expect(exportMb).toBeGreaterThan(ROWS / 25_000);
    expect(grewMb).toBeLessThan(5);
  }, 300_000);

  it('refuses a period that is neither current nor YYYY-MM', async () => {
    const res = await fetch(`${api.url}/v1/billing/usage-ledger?period=last-week`, { headers: { 'x-signet-api-key': key } });
    expect(res.status).toBe(400);
  });

  it("gives a signed-in member their tenant's ledger without a key, and never another tenant's", async () => {
    const ledger = (query: string, cookie?: string) => fetch(`${api.url}/v1/billing/usage-ledger?${query}`, { headers: cookie ? { cookie } : {} });
    const res = await ledger('format=ndjson&tenant=ledger', memberCookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('signet-usage-ledger-ledger-');
    // The first batch is enough to tell whose rows these are; the rest is the test above's.
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const row = JSON.parse(first.split('\n')[0]!) as { receipt_hash: string };
    const [owner] = await api.db.sql.query<{ tenant_id: string }>(`SELECT tenant_id FROM usage_events WHERE receipt_hash = $1`, [row.receipt_hash]);
    expect(owner!.tenant_id).toBe('ledger');

    const foreign = await ledger('format=ndjson&tenant=other', memberCookie);
    expect(foreign.status).toBe(404);
    expect((await foreign.json()).error.code).toBe('TENANT_NOT_FOUND');
    const anonymous = await ledger('format=csv&tenant=ledger');
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('API_KEY_MISSING');
  });
});
