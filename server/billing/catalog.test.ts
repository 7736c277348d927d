import { describe, expect, it } from 'vitest';
import { DEFAULT_PLANS, DEFAULT_TIERS, findPlan, parseReservedConfig, parseReservedConfigText, ReservedConfigError, reservedToJson } from './catalog';
import { formatUsd, parseUsd } from '@/lib/money';
import { GUIDE_RESERVED_JSON } from './testing/guide-reserved';

const guideFile = GUIDE_RESERVED_JSON;

function issues(input: unknown): string[] {
  try {
    parseReservedConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ReservedConfigError);
    return (error as ReservedConfigError).issues;
  }
  throw new Error('expected the configuration to be rejected');
}

const withVexTiers = (tiers: unknown) => ({ t: { ...guideFile.enterprise_customer, vex_overage_tiers: tiers } });

describe('default catalog', () => {
  it('holds SPEC §6 and the guide ids', () => {
    expect(DEFAULT_PLANS.map((p) => [p.id, formatUsd(p.monthlyFee), p.included.vex, p.included.fu, p.lookupKey, p.stripeItem])).toEqual([
      ['starter', '499', 10_000n, 50_000n, 'signet_starter_monthly', 'price_signet_starter_monthly_499'],
      ['professional', '1999', 100_000n, 500_000n, 'signet_professional_monthly', 'price_signet_professional_monthly_1999'],
      ['enterprise', '9999', 1_000_000n, 5_000_000n, 'signet_enterprise_monthly', 'price_signet_enterprise_monthly_9999'],
    ]);
    expect(DEFAULT_TIERS.vex.map((t) => [t.upTo, formatUsd(t.unitPrice), t.stripeItem])).toEqual([
      [50_000n, '0.005', 'price_signet_vex_tier1_005'],
      [null, '0.008', 'price_signet_vex_tier2_008'],
    ]);
    expect(DEFAULT_TIERS.fu.map((t) => [t.upTo, formatUsd(t.unitPrice)])).toEqual([
      [250_000n, '0.001'],
      [null, '0.0008'],
    ]);
  });

  it('finds a plan by id, lookup key or guide item id', () => {
    expect(findPlan('enterprise')?.id).toBe('enterprise');
    expect(findPlan('signet_starter_monthly')?.id).toBe('starter');
    expect(findPlan('price_signet_enterprise_monthly_9999')?.id).toBe('enterprise');
    expect(findPlan('gold')).toBeNull();
  });
});

describe('parseReservedConfig', () => {
  it("reads the guide's reserved.json", () => {
    expect(parseReservedConfig(guideFile)).toEqual([
      {
        tenantId: 'enterprise_customer',
        reserved: { vex: 1_000_000n, fu: 5_000_000n },
        subscriptionPlan: 'price_signet_enterprise_monthly_9999',
        monthlyFee: 0n,
        tiers: {
          vex: [{ upTo: 500_000n, unitPrice: parseUsd('0.005'), stripeItem: 'price_signet_vex_tier1_005' }],
          fu: [{ upTo: 2_500_000n, unitPrice: parseUsd('0.001'), stripeItem: 'price_signet_fu_tier1_001' }],
        },
      },
    ]);
  });

  it('sorts tiers by threshold and accepts decimal-string prices and big counts as strings', () => {
    const [entry] = parseReservedConfig({
      t: {
        vex_reserved: '90071992547409930',
        fu_reserved: 0,
        vex_overage_tiers: [
          { threshold: 200, price_per_unit: '0.0008' },
          { threshold: 100, price_per_unit: 0.001 },
        ],
        fu_overage_tiers: [{ threshold: 1, price_per_unit: '1e-7' }],
      },
    });
    expect(entry!.reserved.vex).toBe(90071992547409930n);
    expect(entry!.subscriptionPlan).toBeNull();
    expect(entry!.tiers.vex.map((t) => [t.upTo, formatUsd(t.unitPrice), t.stripeItem])).toEqual([
      [100n, '0.001', null],
      [200n, '0.0008', null],
    ]);
    expect(entry!.tiers.fu[0]!.unitPrice).toBe(1_000n);
  });

  it('round-trips through the JSON the database stores', () => {
    const parsed = parseReservedConfig(guideFile);
    const json = { enterprise_customer: reservedToJson(parsed[0]!) };
    expect(json.enterprise_customer.vex_overage_tiers).toEqual([{ threshold: 500000, price_per_unit: '0.005', stripe_item: 'price_signet_vex_tier1_005' }]);
    expect(parseReservedConfig(JSON.parse(JSON.stringify(json)))).toEqual(parsed);
    const withFee = parseReservedConfig({ t: { ...guideFile.enterprise_customer, monthly_fee: '12000.50' } });
    expect(withFee[0]!.monthlyFee).toBe(parseUsd('12000.50'));
    expect(reservedToJson(withFee[0]!).monthly_fee).toBe('12000.5');
  });

  it.each<[string, unknown, RegExp]>([
    ['a negative monthly fee', { t: { ...guideFile.enterprise_customer, monthly_fee: '-1' } }, /^t\.monthly_fee: monthly_fee must be .*got "-1"$/],
    ['a monthly fee finer than a cent', { t: { ...guideFile.enterprise_customer, monthly_fee: '10.001' } }, /^t\.monthly_fee: .*got "10\.001"$/],
    ['a negative reservation', { t: { ...guideFile.enterprise_customer, vex_reserved: -1 } }, /^t\.vex_reserved: vex_reserved must be an integer ≥ 0, got -1$/],
    ['a fractional reservation', { t: { ...guideFile.enterprise_customer, fu_reserved: 1.5 } }, /^t\.fu_reserved: .*got 1\.5$/],
    ['a missing reservation', { t: { ...guideFile.enterprise_customer, fu_reserved: undefined } }, /^t\.fu_reserved: .*got nothing$/],
    ['a zero threshold', withVexTiers([{ threshold: 0, price_per_unit: 0.005 }]), /^t\.vex_overage_tiers\[0\]\.threshold: threshold must be an integer ≥ 1, got 0$/],
    ['a duplicate threshold', withVexTiers([{ threshold: 5, price_per_unit: 0.005 }, { threshold: 5, price_per_unit: 0.008 }]), /^t\.vex_overage_tiers: duplicate threshold 5$/],
    ['no tiers', withVexTiers([]), /^t\.vex_overage_tiers: at least one overage tier is required$/],
    ['a zero price', withVexTiers([{ threshold: 5, price_per_unit: 0 }]), /^t\.vex_overage_tiers\[0\]\.price_per_unit: price_per_unit must be a positive decimal/],
    ['a negative price', withVexTiers([{ threshold: 5, price_per_unit: '-0.005' }]), /price_per_unit must be a positive decimal/],
    ['a price with too many decimals', withVexTiers([{ threshold: 5, price_per_unit: '0.00000000001' }]), /more than 10 decimal places/],
    ['a non-numeric price', withVexTiers([{ threshold: 5, price_per_unit: 'five' }]), /"five" is not a decimal number/],
    ['an unknown tier key', withVexTiers([{ threshold: 5, price_per_unit: 0.005, treshold: 6 }]), /^t\.vex_overage_tiers\[0\]: Unrecognized key: "treshold"$/],
    ['an empty tenant id', { '': guideFile.enterprise_customer }, /tenant id must not be empty/],
    ['a non-object file', [1, 2], /^\(root\): /],
  ])('rejects %s with the path', (_name, input, message) => {
    const found = issues(input);
    expect(found.some((i) => message.test(i)), found.join('\n')).toBe(true);
  });

  it('reports every problem at once', () => {
    const found = issues({ a: { vex_reserved: -1, fu_reserved: 'x', vex_overage_tiers: [], fu_overage_tiers: [{ threshold: 1, price_per_unit: 0 }] } });
    expect(found).toHaveLength(4);
  });

  it('turns a JSON syntax error into a configuration error', () => {
    expect(() => parseReservedConfigText('{"a":')).toThrow(ReservedConfigError);
    expect(() => parseReservedConfigText('{"a":')).toThrow(/not valid JSON/);
  });
});
