// The usage outbox to Stripe under failure: the fake Stripe answers 500s, 429s and hangs for a
// while, then recovers. Every unit must arrive exactly once (the fake counts each identifier
// once, like Stripe), identifiers are SHA-256 over each batch's receipt hashes, reserved
// capacity sends only the overage, and a sender that dies between the call and the mark is
// covered by the resend's identical identifier.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchIdentifier, batchRoot } from '@/server/billing/outbox';
import { batchTenantUsage, batchUsage, OutboxWorker, sendDueBatches } from '@/server/billing/outbox-worker';
import { localProvider, stripeProvider, type BillingProvider } from '@/server/billing/provider';
import { saveReservedCapacity, SYSTEM_ACTOR } from '@/server/billing/reserved';
import { createStripe } from '@/server/billing/stripe/client';
import { applyStripeCatalog, buildStripeCatalog } from '@/server/billing/stripe/setup';
import { FakeStripe } from '@/server/billing/stripe/testing/fake-stripe';
import { startTransparencyLog } from '@/server/log/start';
import { loadConfig } from '@/server/config';
import { registry } from '@/server/metrics/registry';
import { startTestApi, type TestApi } from '../support/api';

const financeDemo = {
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-001","amount":1000,"currency":"USD"}' } }] },
};

let api: TestApi;
let log: Awaited<ReturnType<typeof startTransparencyLog>>;
let fake: FakeStripe;
let stripe: BillingProvider;
const keys: Record<string, string> = {};

/** A clock running ahead of real time, so backoff and lease expiry take no real waiting. */
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
const fast = { windowMs: 0, now: clock, backoff: { baseMs: 1_000, capMs: 8_000 }, leaseMs: 60_000 };

async function burst(tenant: string, n: number) {
  for (let i = 0; i < n; i++) expect((await api.exchange(keys[tenant]!, financeDemo)).status).toBe(200);
}

const pending = () => api.db.prisma.billingBatch.count({ where: { status: 'pending' } });

/** Runs batching and sending, jumping the clock past every backoff, until nothing is pending. */
/** Batches form from sequenced receipts only: give every committed receipt its leaf. */
async function sequence() {
  while ((await log.sequencer.runBatch()).sequenced > 0);
}

async function drain(provider: BillingProvider) {
  await sequence();
  await batchUsage(fast);
  for (let round = 0; round < 40 && (await pending()) > 0; round++) {
    await sendDueBatches(provider, fast);
    offsetMs += 10_000;
  }
  expect(await pending()).toBe(0);
}

function billedAtFake(customer: string, eventName = 'signet_vex') {
  return fake.meterEvents.filter((e) => e.payload.stripe_customer_id === customer && e.event_name === eventName).reduce((sum, e) => sum + Number(e.payload.value), 0);
}

beforeAll(async () => {
  api = await startTestApi();
  log = await startTransparencyLog({ ...loadConfig(), log: { origin: null, witnesses: [], sequencer: false } });
  fake = await FakeStripe.start();
  await applyStripeCatalog(createStripe('sk_test_outbox', fake.clientOptions()), buildStripeCatalog());
  stripe = stripeProvider({ secretKey: 'sk_test_outbox', publicUrl: 'http://localhost', client: fake.clientOptions(), sendTimeoutMs: 300 });
  for (const tenant of ['plan-co', 'reserved-co', 'nocustomer-co', 'restart-co', 'local-co', 'walk-co']) keys[tenant] = await api.tenantWithKey(tenant);
  await api.db.prisma.tenant.update({ where: { id: 'plan-co' }, data: { stripeCustomerId: 'cus_plan' } });
  await api.db.prisma.tenant.update({ where: { id: 'reserved-co' }, data: { stripeCustomerId: 'cus_reserved' } });
  await api.db.prisma.tenant.update({ where: { id: 'restart-co' }, data: { stripeCustomerId: 'cus_restart' } });
  await saveReservedCapacity(SYSTEM_ACTOR, 'reserved-co', {
    vex_reserved: 5,
    fu_reserved: 0,
    vex_overage_tiers: [
      { threshold: 3, price_per_unit: '0.005', stripe_item: 'price_signet_vex_tier1_005' },
      { threshold: 100, price_per_unit: '0.008', stripe_item: 'price_signet_vex_tier2_008' },
    ],
    fu_overage_tiers: [{ threshold: 1000, price_per_unit: '0.001' }],
  });
});

afterAll(async () => {
  await fake?.close();
  await log?.stop();
  await api?.close();
});

describe('outbox to a failing Stripe', () => {
  it('delivers every unit exactly once through 500s, 429s and hangs, and recovers', async () => {
    // Round 1: reserved-co stays within its reservation, so its batch bills nothing.
    await burst('plan-co', 6);
    await burst('reserved-co', 3);
    await burst('nocustomer-co', 2);
    fake.failNext(3, 'server_error');
    await drain(stripe);

    // Round 2: Stripe hangs (the sender times out), then rate-limits.
    await burst('plan-co', 9);
    await burst('reserved-co', 9);
    fake.failNext(2, 'hang');
    await sequence();
    await batchUsage(fast);
    await sendDueBatches(stripe, fast);
    fake.failNext(2, 'rate_limit');
    offsetMs += 10_000;
    await drain(stripe);

    expect(fake.calls.filter((c) => c.failedWith === 'server_error')).toHaveLength(3);
    expect(fake.calls.filter((c) => c.failedWith === 'hang')).toHaveLength(2);
    expect(fake.calls.filter((c) => c.failedWith === 'rate_limit')).toHaveLength(2);

    // Exactly once: all 15 plan units; for reserved capacity only the 7 beyond the 5 reserved.
    expect(billedAtFake('cus_plan')).toBe(15);
    expect(billedAtFake('cus_reserved')).toBe(7);
    const accepted = fake.meterEvents.map((e) => e.identifier);
    expect(new Set(accepted).size).toBe(accepted.length);

    const batches = await api.db.prisma.billingBatch.findMany({ orderBy: { windowStart: 'asc' } });
    expect(batches.some((b) => b.attempts > 1)).toBe(true);
    for (const batch of batches) {
      // Each identifier names the RFC 6962 root over the receipts the batch covers, in leaf order.
      const leaves = await api.db.prisma.logLeaf.findMany({ where: { receiptHash: { in: batch.receiptHashes } }, orderBy: { leafIndex: 'asc' } });
      expect(leaves.map((l) => l.receiptHash)).toEqual(batch.receiptHashes);
      expect([batch.firstLeaf, batch.lastLeaf]).toEqual([leaves[0]!.leafIndex, leaves.at(-1)!.leafIndex]);
      expect(batch.identifier).toBe(batchIdentifier(batch.meter as 'vex', batchRoot(batch.receiptHashes)));
      expect(batch.identifier).toBe(`vex:${batch.root}`);
      const rows = await api.db.prisma.usageEvent.findMany({ where: { batchId: batch.id } });
      expect(rows.map((r) => r.receiptHash).sort()).toEqual([...batch.receiptHashes].sort());
      expect(rows.reduce((sum, r) => sum + r.units, 0n)).toBe(batch.units);
    }
    const receipts = await api.db.prisma.receipt.findMany({ where: { tenantId: 'plan-co' } });
    expect(batches.filter((b) => b.tenantId === 'plan-co').flatMap((b) => b.receiptHashes).sort()).toEqual(receipts.map((r) => r.receiptHash).sort());
    expect(await api.db.prisma.usageEvent.count({ where: { batchId: null } })).toBe(0);

    // The within-reservation batch was marked sent without a call; the customer-less one skipped.
    const reserved = batches.filter((b) => b.tenantId === 'reserved-co');
    expect(reserved.map((b) => [b.units, b.billedUnits, b.status])).toEqual([
      [3n, 0n, 'sent'],
      [9n, 7n, 'sent'],
    ]);
    expect(fake.meterEvents.filter((e) => e.identifier === reserved[0]!.identifier)).toHaveLength(0);
    expect(batches.filter((b) => b.tenantId === 'nocustomer-co').map((b) => [b.status, b.lastError])).toEqual([['skipped', 'the tenant has no Stripe customer (no Stripe subscription yet)']]);

    // Overage sent, in USD per tier: 3 × $0.005 and 4 × $0.008.
    const metric = await registry.getSingleMetric('signet_overage_charges_total')!.get();
    const value = (tier: string) => metric.values.find((v) => v.labels.tenant === 'reserved-co' && v.labels.tier === tier)?.value;
    expect(value('1')).toBeCloseTo(0.015, 10);
    expect(value('2')).toBeCloseTo(0.032, 10);
  });

  it('never counts a batch twice when the sender dies between the Stripe call and the mark', async () => {
    await burst('restart-co', 4);
    await sequence();
    await batchUsage(fast);
    let release!: () => void;
    const frozen = new Promise<void>((resolve) => (release = resolve));
    // Instance A sends, then stalls before marking (as if killed).
    const dying: BillingProvider = { ...stripe, sendBatch: async (batch) => (await stripe.sendBatch(batch), await frozen, { status: 'sent' }) };
    const instanceA = sendDueBatches(dying, { ...fast, now: () => new Date(Date.now() + offsetMs) });
    await expect.poll(() => billedAtFake('cus_restart')).toBe(4);
    expect(await pending()).toBe(1);

    // Instance B starts after A's lease expired and resends the same batch.
    offsetMs += 120_000;
    expect(await sendDueBatches(stripe, fast)).toMatchObject({ sent: 1 });
    release();
    expect(await instanceA).toMatchObject({ sent: 0 });

    const [batch] = await api.db.prisma.billingBatch.findMany({ where: { tenantId: 'restart-co' } });
    expect(batch).toMatchObject({ status: 'sent', attempts: 2, billedUnits: 4n });
    expect(fake.callsTo('POST', '/v1/billing/meter_events').filter((c) => c.params.identifier === batch!.identifier)).toHaveLength(2);
    expect(billedAtFake('cus_restart')).toBe(4);
  });
});

describe('batching walks the log from its cursor', () => {
  it('waits out the window, continues where the last run stopped, and never batches a receipt twice', async () => {
    const unbatched = () => api.db.prisma.usageEvent.count({ where: { tenantId: 'walk-co', batchId: null } });
    const logSize = async () => Number((await api.db.prisma.logCheckpoint.findFirst({ orderBy: { size: 'desc' } }))!.size);
    await burst('walk-co', 4);
    await sequence();
    // Sequenced just now: inside the default 60 s window, the receipts wait.
    expect(await batchUsage()).toBe(0);
    expect(await unbatched()).toBe(4);

    // A minute on, a run limited to two leaves batches the first two receipts, in leaf order.
    const minuteOn = () => new Date(Date.now() + 61_000);
    expect(await batchUsage({ now: minuteOn, maxLeavesPerRun: 2 })).toBe(1);
    expect(await unbatched()).toBe(2);
    // A statement batches the tenant's other two; the next run walks past them without a second batch.
    expect(await batchTenantUsage('walk-co', await logSize())).toBe(1);
    expect(await batchUsage({ now: minuteOn })).toBe(0);

    await burst('walk-co', 3);
    await sequence();
    expect(await batchUsage({ now: minuteOn })).toBe(1);
    expect(await unbatched()).toBe(0);

    const batches = await api.db.prisma.billingBatch.findMany({ where: { tenantId: 'walk-co' }, orderBy: { firstLeaf: 'asc' } });
    expect(batches.map((b) => Number(b.units))).toEqual([2, 2, 3]);
    for (let i = 1; i < batches.length; i++) expect(batches[i]!.firstLeaf!).toBeGreaterThan(batches[i - 1]!.lastLeaf!);
    const hashes = batches.flatMap((b) => b.receiptHashes);
    expect(new Set(hashes).size).toBe(7);
    const receipts = await api.db.prisma.receipt.findMany({ where: { tenantId: 'walk-co' }, select: { receiptHash: true } });
    expect(new Set(hashes)).toEqual(new Set(receipts.map((r) => r.receiptHash)));
  });
});

describe('the local provider and the worker', () => {
  it('runs the same state machine locally and stops cleanly', async () => {
    await burst('local-co', 3);
    expect(await batchUsage(fast)).toBe(0); // not in the log yet: nothing to name them by
    await sequence();
    const worker = new OutboxWorker(localProvider(), { ...fast, intervalMs: 20 });
    worker.start();
    await expect.poll(() => api.db.prisma.billingBatch.findMany({ where: { tenantId: 'local-co' } }).then((b) => b.map((x) => [x.status, x.provider, x.billedUnits]))).toEqual([['sent', 'local', 3n]]);
    await worker.stop(1_000);
    await burst('local-co', 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await api.db.prisma.usageEvent.count({ where: { tenantId: 'local-co', batchId: null } })).toBe(1);
  });
});
