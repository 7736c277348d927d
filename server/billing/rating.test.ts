import { describe, expect, it } from 'vitest';
import { DEFAULT_PLANS, findPlan, parseReservedConfig, type PlanDefinition } from './catalog';
import { formatUsd, parseUsd } from '@/lib/money';
import { planTerms, previewToJson, rate, reservedTerms, type BillingTerms } from './rating';
import { GUIDE_RESERVED_JSON } from './testing/guide-reserved';

const usd = parseUsd;
const plan = (id: string): PlanDefinition => findPlan(id)!;
const zero = { vex: 0n, fu: 0n };

describe('rate: plans at every tier boundary', () => {
  // [billable units beyond the included ones, expected overage in dollars, price of the next unit]
  const vexCases: Array<[bigint, string, string]> = [
    [0n, '0', '0.005'],
    [1n, '0.005', '0.005'],
    [49_999n, '249.995', '0.005'],
    [50_000n, '250', '0.008'],
    [50_001n, '250.008', '0.008'],
    [150_000n, '1050', '0.008'],
  ];
  const fuCases: Array<[bigint, string, string]> = [
    [0n, '0', '0.001'],
    [1n, '0.001', '0.001'],
    [250_000n, '250', '0.0008'],
    [250_001n, '250.0008', '0.0008'],
    [1_250_000n, '1050', '0.0008'],
  ];

  for (const p of DEFAULT_PLANS) {
    describe(p.name, () => {
      it.each(vexCases)(`VEx: included + %s billable`, (billable, overage, next) => {
        const preview = rate(planTerms(p), { vex: p.included.vex + billable, fu: 0n });
        const vex = preview.meters.vex;
        expect(vex.billable).toBe(billable);
        expect(formatUsd(vex.subtotal)).toBe(overage);
        expect(formatUsd(vex.nextUnitPrice)).toBe(next);
        expect(preview.total).toBe(p.monthlyFee + usd(overage));
      });

      it.each(fuCases)(`FU: included + %s billable`, (billable, overage, next) => {
        const preview = rate(planTerms(p), { vex: 0n, fu: p.included.fu + billable });
        expect(preview.meters.fu.billable).toBe(billable);
        expect(formatUsd(preview.meters.fu.subtotal)).toBe(overage);
        expect(formatUsd(preview.meters.fu.nextUnitPrice)).toBe(next);
      });

      it('charges nothing for usage inside the included units, and the next unit is free', () => {
        const preview = rate(planTerms(p), { vex: p.included.vex - 1n, fu: p.included.fu - 1n });
        expect(preview.meters.vex.billable).toBe(0n);
        expect(preview.meters.vex.lines).toEqual([]);
        expect(preview.meters.vex.nextUnitPrice).toBe(0n);
        expect(preview.meters.fu.nextUnitPrice).toBe(0n);
        expect(preview.total).toBe(p.monthlyFee);
      });

      it('the last included unit is free, the one after it is billed', () => {
        expect(rate(planTerms(p), { vex: p.included.vex, fu: 0n }).meters.vex.nextUnitPrice).toBe(usd('0.005'));
        expect(rate(planTerms(p), { vex: p.included.vex, fu: 0n }).meters.vex.subtotal).toBe(0n);
      });
    });
  }
});

describe('rate: itemized lines', () => {
  it('splits overage across tiers with exact from/to ranges', () => {
    const starter = plan('starter');
    const preview = rate(planTerms(starter), { vex: 10_000n + 50_001n, fu: 50_000n + 250_001n });
    expect(preview.meters.vex.lines).toEqual([
      { tier: 1, from: 1n, to: 50_000n, units: 50_000n, unitPrice: usd('0.005'), amount: usd('250'), amountCents: 25_000n, stripeItem: 'price_signet_vex_tier1_005' },
      { tier: 2, from: 50_001n, to: 50_001n, units: 1n, unitPrice: usd('0.008'), amount: usd('0.008'), amountCents: 1n, stripeItem: 'price_signet_vex_tier2_008' },
    ]);
    expect(preview.meters.fu.lines.map((l) => [l.tier, l.units, formatUsd(l.amount)])).toEqual([
      [1, 250_000n, '250'],
      [2, 1n, '0.0008'],
    ]);
    // Cents: 499.00 + 250.00 + 0.01 + 250.00 + 0.00 (0.0008 rounds down on its own line)
    expect(preview.totalCents).toBe(49_900n + 25_000n + 1n + 25_000n + 0n);
    expect(formatUsd(preview.total)).toBe('999.0088');
  });

  it('rounds each line half-up and totals the cents shown', () => {
    // 3 FU at $0.0008 = $0.0024 → 0 cents; 7 VEx at $0.005 = $0.035 → 4 cents (half-up)
    const preview = rate(planTerms(plan('starter')), { vex: 10_007n, fu: 50_003n });
    expect(preview.meters.vex.lines[0]!.amountCents).toBe(4n);
    expect(preview.meters.fu.lines[0]!.amount).toBe(usd('0.003'));
    expect(preview.meters.fu.lines[0]!.amountCents).toBe(0n);
    expect(preview.totalCents).toBe(49_900n + 4n + 0n);
  });

  it('zero usage costs the fee only', () => {
    const preview = rate(planTerms(plan('professional')), zero);
    expect(preview.meters.vex.lines).toEqual([]);
    expect(preview.meters.fu.lines).toEqual([]);
    expect(preview.totalCents).toBe(199_900n);
  });

  it('stays exact for huge usage', () => {
    const huge = 10n ** 24n;
    const preview = rate(planTerms(plan('enterprise')), { vex: huge, fu: huge });
    const vexExpected = usd('250') + (huge - 1_000_000n - 50_000n) * usd('0.008');
    const fuExpected = usd('250') + (huge - 5_000_000n - 250_000n) * usd('0.0008');
    expect(preview.meters.vex.subtotal).toBe(vexExpected);
    expect(preview.meters.fu.subtotal).toBe(fuExpected);
    expect(formatUsd(preview.meters.vex.subtotal)).toBe('7999999999999999991850');
    expect(preview.total).toBe(usd('9999') + vexExpected + fuExpected);
  });

  it('rejects negative usage and malformed tiers', () => {
    const terms = planTerms(plan('starter'));
    expect(() => rate(terms, { vex: -1n, fu: 0n })).toThrow(/must not be negative/);
    const unsorted: BillingTerms = { ...terms, tiers: { ...terms.tiers, vex: [...terms.tiers.vex].reverse() } };
    expect(() => rate(unsorted, zero)).toThrow(/unbounded but not the last/);
    expect(() => rate({ ...terms, tiers: { ...terms.tiers, fu: [] } }, zero)).toThrow(/no overage tiers/);
  });
});

describe('rate: reserved capacity', () => {
  const [guide] = parseReservedConfig(GUIDE_RESERVED_JSON);
  const terms = reservedTerms(guide!, findPlan(guide!.subscriptionPlan!));

  it.each<[bigint, string]>([
    [0n, '0'],
    [1n, '0.005'],
    [500_000n, '2500'],
    [500_001n, '2500.005'], // past the last threshold: still the last tier's price
    [2_000_000n, '10000'],
  ])('the guide example: VEx reserved + %s', (billable, overage) => {
    const preview = rate(terms, { vex: 1_000_000n + billable, fu: 0n });
    expect(preview.basis).toBe('reserved');
    expect(preview.meters.vex.included).toBe(1_000_000n);
    expect(formatUsd(preview.meters.vex.subtotal)).toBe(overage);
    expect(preview.meters.vex.lines.every((l) => l.tier === 1)).toBe(true);
    expect(formatUsd(preview.meters.vex.nextUnitPrice)).toBe('0.005');
    expect(preview.fee).toBe(usd('9999'));
  });

  it.each<[bigint, string]>([
    [2_500_000n, '2500'],
    [2_500_001n, '2500.001'],
  ])('the guide example: FU reserved + %s', (billable, overage) => {
    expect(formatUsd(rate(terms, { vex: 0n, fu: 5_000_000n + billable }).meters.fu.subtotal)).toBe(overage);
  });

  it('usage within reserved capacity is free', () => {
    const preview = rate(terms, { vex: 1_000_000n, fu: 4_999_999n });
    expect(preview.meters.vex.subtotal + preview.meters.fu.subtotal).toBe(0n);
    expect(preview.meters.fu.nextUnitPrice).toBe(0n);
    expect(preview.meters.vex.nextUnitPrice).toBe(usd('0.005'));
  });

  it('multi-tier reserved thresholds are exact, and no plan means no fee', () => {
    const [custom] = parseReservedConfig({
      acme: {
        vex_reserved: 100,
        fu_reserved: 0,
        vex_overage_tiers: [
          { threshold: 20, price_per_unit: '0.004' },
          { threshold: 10, price_per_unit: '0.006' },
        ],
        fu_overage_tiers: [{ threshold: 1, price_per_unit: '0.0001' }],
      },
    });
    const t = reservedTerms(custom!, null);
    // tiers sorted: up to 10 at 0.006, then up to 20 (and beyond) at 0.004
    const at = (vex: bigint) => rate(t, { vex, fu: 0n }).meters.vex;
    expect(formatUsd(at(110n).subtotal)).toBe('0.06');
    expect(formatUsd(at(110n).nextUnitPrice)).toBe('0.004');
    expect(formatUsd(at(109n).nextUnitPrice)).toBe('0.006');
    expect(formatUsd(at(111n).subtotal)).toBe('0.064');
    expect(formatUsd(at(130n).subtotal)).toBe('0.14');
    expect(at(130n).lines.map((l) => [l.tier, l.from, l.to])).toEqual([
      [1, 1n, 10n],
      [2, 11n, 30n],
    ]);
    expect(rate(t, { vex: 0n, fu: 0n }).fee).toBe(0n);
    expect(formatUsd(rate(t, { vex: 0n, fu: 1n }).meters.fu.subtotal)).toBe('0.0001');
  });
});

describe('previewToJson', () => {
  it('serializes bigints and money as strings', () => {
    const json = previewToJson(rate(planTerms(plan('starter')), { vex: 10_001n, fu: 0n }));
    expect(json.vex).toMatchObject({ used: '10001', included: '10000', billable: '1', next_unit_price_usd: '0.005' });
    expect(json.vex.lines[0]).toMatchObject({ from: '1', to: '1', unit_price_usd: '0.005', amount_usd: '0.005', amount_cents: '1' });
    expect(json).toMatchObject({ plan: 'starter', fee_usd: '499', fee_cents: '49900', total_usd: '499.005', total_cents: '49901' });
    expect(() => JSON.stringify(json)).not.toThrow();
  });
});
