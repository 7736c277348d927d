import { describe, expect, it } from 'vitest';
import { findPlan, parseReservedConfig } from './catalog';
import { calendarMonth } from './period';
import { planTerms, rate, reservedTerms } from './rating';
import { reconciliationReport, toCsv } from './reconciliation';

const period = calendarMonth(new Date('2026-01-10T00:00:00Z'));
const generatedAt = new Date('2026-02-01T00:00:05Z');

describe('reconciliation report', () => {
  const report = reconciliationReport({
    tenantId: 'acme',
    period,
    preview: rate(planTerms(findPlan('starter')!), { vex: 60_001n, fu: 50_000n }),
    failedByCode: { HEL_HOST_NOT_ALLOWED: 3n, ARGS_UNREPAIRABLE: 2n },
    generatedAt,
  });

  it('lists usage against included units, overage per tier, fee, failures and total', () => {
    expect(report).toMatchObject({
      tenant: 'acme',
      period_start: '2026-01-01T00:00:00.000Z',
      period_end: '2026-02-01T00:00:00.000Z',
      allowance: 'included',
      plan: 'starter',
      failed_exchanges: '5',
      total_usd: '749.008',
      total_cents: '74901',
    });
    expect(report.rows.map((r) => [r.kind, r.meter, r.tier, r.used, r.allowance, r.billable, r.units, r.unit_price_usd, r.amount_usd, r.amount_cents, r.code])).toEqual([
      ['usage', 'vex', '', '60001', '10000', '50001', '', '', '250.008', '25001', ''],
      ['overage', 'vex', '1', '', '', '', '50000', '0.005', '250', '25000', ''],
      ['overage', 'vex', '2', '', '', '', '1', '0.008', '0.008', '1', ''],
      ['usage', 'fu', '', '50000', '50000', '0', '', '', '0', '0', ''],
      ['fee', '', '', '', '', '', '', '', '499', '49900', ''],
      ['failed', '', '', '', '', '', '2', '', '', '', 'ARGS_UNREPAIRABLE'],
      ['failed', '', '', '', '', '', '3', '', '', '', 'HEL_HOST_NOT_ALLOWED'],
      ['total', '', '', '', '', '', '', '', '749.008', '74901', ''],
    ]);
    expect(report.rows.every((r) => r.tenant === 'acme' && r.period_start === report.period_start)).toBe(true);
  });

  it('writes RFC 4180 CSV', () => {
    const csv = toCsv(report);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('tenant,period_start,period_end,kind,meter,tier,used,allowance,billable,units,unit_price_usd,amount_usd,amount_cents,stripe_item,code');
    expect(lines[2]).toBe('acme,2026-01-01T00:00:00.000Z,2026-02-01T00:00:00.000Z,overage,vex,1,,,,50000,0.005,250,25000,price_signet_vex_tier1_005,');
    expect(lines).toHaveLength(report.rows.length + 2); // header + rows + the empty string after the final CRLF
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('quotes fields with commas, quotes and line breaks', () => {
    const odd = reconciliationReport({
      tenantId: 'a,"b"\nc',
      period,
      preview: rate(planTerms(findPlan('starter')!), { vex: 0n, fu: 0n }),
      failedByCode: {},
      generatedAt,
    });
    expect(toCsv(odd).split('\r\n')[1]!.startsWith('"a,""b""\nc",')).toBe(true);
  });

  it('labels reserved capacity as the allowance', () => {
    const [capacity] = parseReservedConfig({
      big: { vex_reserved: 5, fu_reserved: 0, vex_overage_tiers: [{ threshold: 1, price_per_unit: 1 }], fu_overage_tiers: [{ threshold: 1, price_per_unit: 1 }] },
    });
    const r = reconciliationReport({ tenantId: 'big', period, preview: rate(reservedTerms(capacity!, null), { vex: 7n, fu: 0n }), failedByCode: {}, generatedAt });
    expect(r.allowance).toBe('reserved');
    expect(r.plan).toBeNull();
    expect(r.rows[0]).toMatchObject({ kind: 'usage', allowance: '5', billable: '2', amount_usd: '2' });
  });
});
