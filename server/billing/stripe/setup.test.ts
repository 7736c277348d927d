import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '@/scripts/stripe-setup';
import { DEFAULT_TIERS } from '../catalog';
import { parseUsd } from '@/lib/money';
import { createStripe } from './client';
import { applyStripeCatalog, buildStripeCatalog } from './setup';
import { FakeStripe } from './testing/fake-stripe';

let fake: FakeStripe;
beforeEach(async () => {
  fake = await FakeStripe.start();
});
afterEach(async () => {
  await fake.close();
});

const stripe = () => createStripe('sk_test_signet', { ...fake.clientOptions(), maxNetworkRetries: 0 });
const creates = () => fake.calls.filter((c) => c.method === 'POST' && /^\/v1\/(products|prices|billing\/meters|payment_links)$/.test(c.path));
const priceByKey = (key: string) => [...fake.prices.values()].find((p) => p.lookup_key === key)!;

describe('buildStripeCatalog', () => {
  it('describes plan prices, per-plan metered prices with the included units free, and overage prices', () => {
    const catalog = buildStripeCatalog();
    expect(catalog.products.map((p) => p.id)).toEqual(['signet_plan_starter', 'signet_plan_professional', 'signet_plan_enterprise', 'signet_vex', 'signet_fu']);
    expect(catalog.meters.map((m) => m.event_name)).toEqual(['signet_vex', 'signet_fu']);
    expect(catalog.prices.find((p) => p.lookup_key === 'signet_enterprise_monthly')).toMatchObject({ kind: 'licensed', unit_amount: 999_900, metadata: { signet_item: 'price_signet_enterprise_monthly_9999' } });
    expect(catalog.prices.find((p) => p.lookup_key === 'signet_starter_vex_metered')).toMatchObject({
      kind: 'metered',
      meter: 'vex',
      tiers: [
        { up_to: 10_000, unit_amount_decimal: '0' },
        { up_to: 60_000, unit_amount_decimal: '0.5' },
        { up_to: 'inf', unit_amount_decimal: '0.8' },
      ],
      metadata: { signet_items: 'price_signet_vex_tier1_005,price_signet_vex_tier2_008' },
    });
    expect(catalog.prices.find((p) => p.lookup_key === 'signet_fu_overage')).toMatchObject({
      tiers: [
        { up_to: 250_000, unit_amount_decimal: '0.1' },
        { up_to: 'inf', unit_amount_decimal: '0.08' },
      ],
    });
    expect(catalog.prices).toHaveLength(11);
    expect(catalog.paymentLinks[0]).toEqual({ plan: 'starter', prices: ['signet_starter_monthly', 'signet_starter_vex_metered', 'signet_starter_fu_metered'] });
  });
});

describe('applyStripeCatalog against a local Stripe', () => {
  it('creates products, meters, prices and payment links, then nothing on a re-run', async () => {
    const catalog = buildStripeCatalog({ successUrl: 'https://signet.example/billing?done=1' });
    const first = await applyStripeCatalog(stripe(), catalog);
    expect(first.created).toHaveLength(5 + 2 + 11 + 3);
    expect(first.updated).toEqual([]);
    expect(fake.products.size).toBe(5);
    expect(fake.meters.size).toBe(2);
    expect(fake.prices.size).toBe(11);
    expect(fake.paymentLinks.size).toBe(3);

    const meter = [...fake.meters.values()].find((m) => m.event_name === 'signet_vex')!;
    expect(meter).toMatchObject({ default_aggregation: { formula: 'sum' }, customer_mapping: { event_payload_key: 'stripe_customer_id' }, value_settings: { event_payload_key: 'value' } });
    expect(priceByKey('signet_professional_vex_metered')).toMatchObject({
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
      tiers: [
        { up_to: 100_000, unit_amount_decimal: '0' },
        { up_to: 150_000, unit_amount_decimal: '0.5' },
        { up_to: null, unit_amount_decimal: '0.8' },
      ],
    });
    expect(priceByKey('signet_starter_monthly')).toMatchObject({ unit_amount: 49_900, recurring: { usage_type: 'licensed', interval: 'month' } });

    const starter = first.plans.find((p) => p.planId === 'starter')!;
    expect(starter.stripePriceId).toBe(priceByKey('signet_starter_monthly').id);
    expect(starter.meteredPriceIds.vex).toBe(priceByKey('signet_starter_vex_metered').id);
    const link = [...fake.paymentLinks.values()].find((l) => l.url === starter.paymentLink)!;
    expect(link.line_items.map((i) => i.price)).toEqual([starter.stripePriceId, starter.meteredPriceIds.vex, starter.meteredPriceIds.fu]);
    expect(link.after_completion).toEqual({ type: 'redirect', redirect: { url: 'https://signet.example/billing?done=1' } });

    const createsBefore = creates().length;
    const second = await applyStripeCatalog(stripe(), catalog);
    expect(second.created).toEqual([]);
    expect(second.updated).toEqual([]);
    expect(creates().length).toBe(createsBefore);
    expect(second.plans).toEqual(first.plans);
    expect(second.prices).toEqual(first.prices);
  });

  it('replaces a changed price: the new one takes the lookup key, the old one is deactivated', async () => {
    const first = await applyStripeCatalog(stripe(), buildStripeCatalog());
    const tiers = { ...DEFAULT_TIERS, vex: [{ ...DEFAULT_TIERS.vex[0]!, unitPrice: parseUsd('0.004') }, DEFAULT_TIERS.vex[1]!] };
    const second = await applyStripeCatalog(stripe(), buildStripeCatalog({ tiers }));

    const oldId = first.prices.signet_vex_overage!;
    const newId = second.prices.signet_vex_overage!;
    expect(newId).not.toBe(oldId);
    expect(fake.prices.get(oldId)).toMatchObject({ active: false, lookup_key: null });
    expect(fake.prices.get(newId)).toMatchObject({ active: true, lookup_key: 'signet_vex_overage' });
    const create = fake.callsTo('POST', '/v1/prices').at(-1)!;
    expect(create.params.transfer_lookup_key).toBe('true');
    // FU prices and plan fees did not change
    expect(second.prices.signet_fu_overage).toBe(first.prices.signet_fu_overage);
    expect(second.prices.signet_starter_monthly).toBe(first.prices.signet_starter_monthly);
    // every plan's VEx price changed, so every payment link was replaced and the old ones deactivated
    expect(second.updated.filter((u) => u.startsWith('payment link'))).toHaveLength(3);
    expect([...fake.paymentLinks.values()].filter((l) => l.active)).toHaveLength(3);
    expect(fake.paymentLinks.size).toBe(6);
  });

  it('reactivates a deactivated meter instead of creating a second one', async () => {
    await applyStripeCatalog(stripe(), buildStripeCatalog());
    const meter = [...fake.meters.values()].find((m) => m.event_name === 'signet_fu')!;
    meter.status = 'inactive';
    const result = await applyStripeCatalog(stripe(), buildStripeCatalog());
    expect(result.updated).toEqual(['meter signet_fu']);
    expect(fake.meters.size).toBe(2);
    expect(meter.status).toBe('active');
  });
});

describe('scripts/stripe-setup', () => {
  const env = () => ({ STRIPE_SECRET_KEY: 'sk_test_signet', STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: String(fake.port), STRIPE_API_PROTOCOL: 'http' });

  it('--demo prints the configuration without any call to Stripe', async () => {
    let out = '';
    await main(['--demo'], env(), (text) => (out += text));
    expect(fake.calls).toEqual([]);
    const printed = JSON.parse(out);
    expect(printed.mode).toBe('demo');
    expect(printed.catalog).toEqual(JSON.parse(JSON.stringify(buildStripeCatalog())));
  });

  it('--demo --out writes the file', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'signet-stripe-')), 'catalog.json');
    await main(['--demo', '--out', file], {}, () => {
      throw new Error('nothing goes to stdout with --out');
    });
    expect(JSON.parse(readFileSync(file, 'utf8')).catalog.prices).toHaveLength(11);
  });

  it('applies the catalog through the env-configured endpoint and prints the ids', async () => {
    let out = '';
    await main([], env(), (text) => (out += text));
    const printed = JSON.parse(out);
    expect(printed.mode).toBe('test');
    expect(printed.plans.map((p: { planId: string }) => p.planId)).toEqual(['starter', 'professional', 'enterprise']);
    expect(fake.prices.size).toBe(11);
  });

  it('refuses to run without a key unless --demo', async () => {
    await expect(main([], {}, () => {})).rejects.toThrow(/STRIPE_SECRET_KEY is not set/);
    await expect(main(['--bogus'], {}, () => {})).rejects.toThrow(/Unknown option/);
  });
});
