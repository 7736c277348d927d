// The admin KPIs from stored rows, against figures computed by hand from the fixture below;
// and the signet-verify User-Agent the export route records, end to end through the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKpis } from '@/server/kpis/repository';
import { main as verifyCli } from '@/server/receipts/cli';
import { VERSION } from '@/server/version';
import { startTestApi, type TestApi } from '../support/api';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
}, 180_000);
afterAll(async () => {
  await api?.close();
});

const now = new Date('2026-11-15T12:00:00Z');
const d = (s: string) => new Date(s);

async function fixture() {
  const p = api.db.prisma;
  const sql = api.db.sql;
  await p.tenant.create({ data: { id: 'k-a', name: 'A', planId: 'starter', createdAt: d('2026-08-01T00:00:00Z') } });
  await p.tenant.create({ data: { id: 'k-b', name: 'B', planId: 'enterprise', createdAt: d('2026-09-01T00:00:00Z') } });
  await p.tenant.create({ data: { id: 'k-c', name: 'C', createdAt: d('2026-09-01T00:00:00Z') } });
  await p.tenant.create({ data: { id: 'k-d', name: 'D', createdAt: d('2026-09-01T00:00:00Z') } });
  const sub = (tenantId: string, at: string, plan: string | null) =>
    p.auditLog.create({ data: { action: 'billing.subscription', tenantId, at: d(at), detail: { plan, status: plan ? 'active' : 'canceled' } } });
  await sub('k-b', '2026-09-10T00:00:00Z', 'starter');
  await sub('k-b', '2026-10-05T00:00:00Z', 'professional');
  await sub('k-b', '2026-11-02T00:00:00Z', 'enterprise');
  await sub('k-c', '2026-09-03T00:00:00Z', 'professional');
  await sub('k-c', '2026-10-20T00:00:00Z', 'starter');
  await sub('k-c', '2026-11-10T00:00:00Z', null);
  await p.auditLog.create({ data: { action: 'billing.reserved.save', tenantId: 'k-c', at: d('2026-10-01T00:00:00Z'), detail: { monthly_fee: '12000' } } });
  await p.reservedCapacity.create({
    data: { tenantId: 'k-c', vexReserved: 1000n, fuReserved: 0n, vexTiers: [{ threshold: 10, price_per_unit: '0.01' }], fuTiers: [{ threshold: 10, price_per_unit: '0.01' }], monthlyFeeCents: 1_200_000n, updatedAt: d('2026-10-01T00:00:00Z') },
  });

  const log = (tenant: string, at: string, status: number, opts: { code?: string; replay?: boolean; fu?: number; added?: number } = {}) =>
    sql.query(
      `INSERT INTO request_log (tenant_id, api_key_id, occurred_at, status, error_code, replay, fu_tokens, total_ms, added_ms)
       VALUES ($1, 'key', $2::timestamp(3), $3, $4, $5, $6, $7, $7)`,
      [tenant, at, status, opts.code ?? null, opts.replay ?? false, opts.fu ?? 0, opts.added ?? 1],
    );
  for (let i = 1; i <= 8; i++) await log('k-a', `2026-11-0${i}T10:00:00Z`, 200, { added: i, fu: i <= 2 ? 50 : 0 });
  await log('k-a', '2026-11-03T11:00:00Z', 422, { code: 'INPUT_SCHEMA_INVALID' });
  await log('k-a', '2026-11-03T12:00:00Z', 422, { code: 'INPUT_SCHEMA_INVALID' });
  await log('k-a', '2026-11-04T12:00:00Z', 429, { code: 'RATE_LIMITED' });
  await log('k-a', '2026-11-04T13:00:00Z', 200, { replay: true, added: 100 });
  await log('k-b', '2026-11-05T13:00:00Z', 200, { added: 3 });
  await log('k-a', '2026-10-05T13:00:00Z', 200, { added: 9 });
  const fetched = (tenant: string, at: string, ua: string) =>
    sql.query(`INSERT INTO export_fetches (tenant_id, trace_id, user_agent, fetched_at) VALUES ($1, 't', $2, $3::timestamp(3))`, [tenant, ua, at]);
  await fetched('k-a', '2026-11-06T00:00:00Z', 'signet-verify/0.1.0');
  await fetched('k-b', '2026-11-06T00:00:00Z', 'curl/8.5.0');
  await fetched('k-c', '2026-11-06T00:00:00Z', 'signet-verify/0.1.0'); // C had no exchange in November

  let n = 0;
  const used = (tenant: string, at: string, meter: string, units: number) =>
    sql.query(`INSERT INTO usage_events (tenant_id, meter, units, receipt_hash, occurred_at) VALUES ($1, $2, $3, $4, $5::timestamp(3))`, [tenant, meter, units, `h${++n}`, at]);
  await used('k-a', '2026-10-10T00:00:00Z', 'vex', 100);
  await used('k-a', '2026-11-10T00:00:00Z', 'vex', 150);
  await used('k-d', '2026-11-10T00:00:00Z', 'vex', 1000); // no plan: every unit is overage, $0.005 each
  await used('k-d', '2026-11-10T00:00:00Z', 'fu', 100); // $0.001 each
}

describe('admin KPIs', () => {
  it('computes the technical and business KPIs of each month from stored rows', async () => {
    await fixture();
    const [sep, oct, nov] = await loadKpis(now, 3);
    expect([sep!.month, oct!.month, nov!.month]).toEqual(['2026-09', '2026-10', '2026-11']);

    // November: A 8 successes (2 with fallback), 3 refusals, 1 replay (not counted); B 1 success.
    expect(nov!.technical).toMatchObject({ requests: 12, refusals: 3, refusalsByCode: { INPUT_SCHEMA_INVALID: 2, RATE_LIMITED: 1 }, activeTenants: 2, verifyingTenants: 1, verifyingShare: 0.5 });
    expect(nov!.technical.successWithoutFallback).toBeCloseTo(7 / 12, 10); // 6 of A's + B's 1
    expect(nov!.technical.fallbackRate).toBeCloseTo(2 / 9, 10);
    // added_ms of the 9 successes: 1..8 and 3 → sorted 1,2,3,3,4,5,6,7,8: p50 = 4, p95 = 7 + 0.6 × 1
    expect(nov!.technical.addedLatencyP50Ms).toBeCloseTo(4, 10);
    expect(nov!.technical.addedLatencyP95Ms).toBeCloseTo(7.6, 10);
    expect(oct!.technical).toMatchObject({ requests: 1, successWithoutFallback: 1, fallbackRate: 0, activeTenants: 1, verifyingTenants: 0, verifyingShare: 0 });
    expect(sep!.technical).toMatchObject({ requests: 0, successWithoutFallback: null, addedLatencyP95Ms: null });

    // MRR at each month's end: A starter throughout; B starter → professional → enterprise;
    // C professional → starter (+ a $12,000 contract from October) → no plan.
    expect(sep!.business.mrrCents).toBe(49_900n + 49_900n + 199_900n);
    expect(oct!.business.mrrCents).toBe(49_900n + 199_900n + 49_900n + 1_200_000n);
    expect(nov!.business.mrrCents).toBe(49_900n + 999_900n + 1_200_000n);
    expect(sep!.business).toMatchObject({ expansionCents: 49_900n + 199_900n, contractionCents: 0n });
    expect(oct!.business).toMatchObject({ expansionCents: 150_000n, contractionCents: 150_000n });
    expect(nov!.business).toMatchObject({ expansionCents: 800_000n, contractionCents: 49_900n });

    expect(oct!.business).toMatchObject({ vex: 100n, vexGrowth: null, overageCents: 0n });
    expect(nov!.business).toMatchObject({ vex: 1_150n, fu: 100n, vexGrowth: 10.5, overageCents: 500n + 10n });
  });
});

describe('signet-verify User-Agent', () => {
  it('fetches an export by URL with its User-Agent, which the export route records', async () => {
    const key = await api.tenantWithKey('k-verify');
    const res = await api.exchange(key, {
      payload_type: 'openai.tooluse.invoice.v1',
      target_type: 'invoice.iso20022.v1',
      payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-K","amount":5,"currency":"USD"}' } }] },
    });
    const { trace_id } = await res.json();
    const code = await verifyCli([`${api.url}/v1/receipts/export/${trace_id}`, '--api-key', key, '--jwks', `${api.url}/.well-known/jwks.json`]);
    expect(code).toBe(0);
    const rows = await api.db.sql.query<{ user_agent: string; trace_id: string }>('SELECT user_agent, trace_id FROM export_fetches WHERE tenant_id = $1', ['k-verify']);
    expect(rows).toEqual([{ user_agent: `signet-verify/${VERSION}`, trace_id }]);
  });
});
