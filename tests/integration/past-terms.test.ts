// Past terms for past periods: after a tariff change, every place that rates a past month (the
// usage history, the reconciliation report, the admin KPIs' overage, the usage statement) keeps
// that month's figures, and the running period is rated with the new terms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveReservedCapacity, SYSTEM_ACTOR } from '@/server/billing/reserved';
import { reconciliationFor, usageHistory } from '@/server/billing/statements';
import { loadKpis } from '@/server/kpis/repository';
import { startTestApi, type TestApi } from '../support/api';

let api: TestApi;
const TENANT = 'history-co';
const DAY = 86_400_000;

const reserved = (vexPrice: string) => ({
  vex_reserved: 10,
  fu_reserved: 0,
  vex_overage_tiers: [{ threshold: 1000, price_per_unit: vexPrice }],
  fu_overage_tiers: [{ threshold: 1000, price_per_unit: '0.001' }],
});

const now = new Date();
const currentMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const previousMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const monthRef = (d: Date) => d.toISOString().slice(0, 7);

async function usage(at: Date, units: number, n: number) {
  await api.db.sql.query(`INSERT INTO usage_events (tenant_id, meter, units, receipt_hash, occurred_at) VALUES ($1, 'vex', $2, $3, $4)`, [
    TENANT,
    units,
    `sha256:${n.toString(16).padStart(64, '0')}`,
    at.toISOString(),
  ]);
}

/** What each place says about the previous and the current month, in cents. */
async function figures() {
  const at = new Date();
  const history = await usageHistory(TENANT, at, 3);
  const [previous, current] = await Promise.all([reconciliationFor(TENANT, monthRef(previousMonth), at), reconciliationFor(TENANT, 'current', at)]);
  const kpis = await loadKpis(at, 2);
  return {
    history: history.slice(0, 2).map((h) => h.preview.totalCents),
    reconciliation: [current.total_cents, previous.total_cents],
    kpiOverage: [kpis.at(-1)!.business.overageCents, kpis.at(-2)!.business.overageCents],
  };
}

beforeAll(async () => {
  api = await startTestApi();
  await api.tenantWithKey(TENANT);
  await api.db.sql.query(`UPDATE tenants SET plan_id = NULL, created_at = $2 WHERE id = $1`, [TENANT, new Date(previousMonth.getTime() - 30 * DAY).toISOString()]);
  await saveReservedCapacity(SYSTEM_ACTOR, TENANT, reserved('0.01'));
  // These terms took effect before the previous month began.
  await api.db.sql.query(`UPDATE tariff_versions SET effective_from = $2 WHERE tenant_id = $1`, [TENANT, new Date(previousMonth.getTime() - DAY).toISOString()]);
  await usage(new Date(previousMonth.getTime() + 3_600_000), 110, 1);
  await usage(new Date(Math.max(currentMonth.getTime(), now.getTime() - 60_000)), 210, 2);
});

afterAll(async () => {
  await api?.close();
});

describe('past terms for past periods', () => {
  it('keeps a past month\'s figures after a tariff change and rates the current month with the new terms', async () => {
    const before = await figures();
    // 200 and 100 billable VEx (beyond the 10 reserved) at $0.01.
    expect(before.history).toEqual([200n, 100n]);
    expect(before.reconciliation).toEqual(['200', '100']);
    expect(before.kpiOverage).toEqual([200n, 100n]);

    await saveReservedCapacity(SYSTEM_ACTOR, TENANT, reserved('0.02'));
    const after = await figures();
    expect(after.history).toEqual([400n, 100n]);
    expect(after.reconciliation).toEqual(['400', '100']);
    expect(after.kpiOverage).toEqual([400n, 100n]);
  });
});
