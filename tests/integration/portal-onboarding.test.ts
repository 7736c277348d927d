// What a new tenant meets in the portal: plan changes priced and timed before they happen
// (prorated upgrades at once, downgrades at the period's end), rotated keys labelled as rotating
// out, and the first-exchange snippets shown with a new key — run here against a live API.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tierRangeText } from '@/app/dashboard/billing/tier-ranges';
import { DEFAULT_TIERS } from '@/server/billing/catalog';
import { toCents } from '@/lib/money';
import { applyDuePlanChanges, prorate, quotePlanChange } from '@/server/billing/plan-change';
import { localProvider, stripeProvider } from '@/server/billing/provider';
import { createCustomer } from '@/server/billing/stripe/checkout';
import { createStripe } from '@/server/billing/stripe/client';
import { applyStripeCatalog, buildStripeCatalog } from '@/server/billing/stripe/setup';
import { FakeStripe } from '@/server/billing/stripe/testing/fake-stripe';
import { exchangeSnippet, type SnippetLanguage } from '@/lib/snippets';
import { logger } from '@/server/telemetry/logger';
import { createUser } from '@/server/tenants/accounts';
import { loadPrincipal, type Principal } from '@/server/tenants/principal';
import { createCallerFactory } from '@/trpc/init';
import { appRouter } from '@/trpc/root';
import { startTestApi, type TestApi } from '../support/api';

const run = promisify(execFile);
const createCaller = createCallerFactory(appRouter);
let api: TestApi;
let owner: ReturnType<typeof createCaller>;

beforeAll(async () => {
  api = await startTestApi();
  await api.tenantWithKey('acme'); // on Starter
  const user = await createUser({ email: 'owner@onboarding.test', password: 'a-long-password', name: 'Owner' });
  await api.db.prisma.membership.create({ data: { userId: user.id, tenantId: 'acme', role: 'owner' } });
  const principal: Principal = (await loadPrincipal(user.id))!;
  owner = createCaller({ principal, ip: '198.51.100.3', requestedTenantId: null });
});

afterAll(async () => {
  await api?.close();
});

describe('plan changes', () => {
  it('prorates by the seconds left in the period, rounding half up', () => {
    const period = { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') };
    const p = prorate(10n ** 10n * 9500n, period, new Date('2026-12-21T00:00:00Z'));
    expect(p).toMatchObject({ secondsLeft: 11 * 86_400, periodSeconds: 31 * 86_400 });
    // $9,500 × 11/31 = $3,370.9677…
    expect(toCents(p.amount)).toBe(337_097n);
    expect(prorate(10n ** 10n, period, period.end).amount).toBe(0n);
  });

  it('quotes an upgrade from Starter ($499) to Enterprise ($9,999) as due now, prorated', async () => {
    const q = await quotePlanChange('acme', 'enterprise', new Date('2026-12-21T00:00:00Z'));
    expect(q.direction).toBe('upgrade');
    expect(q.effective).toBe('now');
    expect(toCents(q.monthlyDifference)).toBe(950_000n);
    expect(toCents(q.dueNow)).toBe(337_097n);
    await expect(quotePlanChange('acme', 'starter')).rejects.toThrow('Starter is already your plan');
  });

  it('upgrades at once, schedules a downgrade for the end of the period and applies it then', async () => {
    const up = await owner.billing.quote({ planId: 'professional' });
    expect(up).toMatchObject({ direction: 'upgrade', effective: 'now', from: { id: 'starter' }, to: { id: 'professional' }, pricing: { source: 'local', reason: 'local_provider' } });
    expect(up.dueNow).toBe(BigInt(Math.round((150_000 * up.secondsLeft) / up.periodSeconds)));
    expect(await owner.billing.checkout({ planId: 'professional' })).toMatchObject({ kind: 'completed', planId: 'professional' });

    const down = await owner.billing.quote({ planId: 'starter' });
    expect(down).toMatchObject({ direction: 'downgrade', effective: 'period_end', dueNow: 0n });
    const preview = await owner.billing.preview();
    expect(down.effectiveAt).toBe(preview.period.end.toISOString());
    expect(await owner.billing.checkout({ planId: 'starter' })).toEqual({ kind: 'scheduled', planId: 'starter', at: down.effectiveAt });

    const waiting = await owner.billing.preview();
    expect(waiting.plan?.id).toBe('professional');
    expect(waiting.scheduledChange).toEqual({ planId: 'starter', planName: 'Starter', at: down.effectiveAt });

    const at = new Date(down.effectiveAt);
    expect(await applyDuePlanChanges(new Date(at.getTime() - 1))).toBe(0);
    expect(await applyDuePlanChanges(at)).toBe(1);
    expect(await applyDuePlanChanges(at)).toBe(0);
    const tenant = await api.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } });
    expect(tenant).toMatchObject({ planId: 'starter', scheduledPlanId: null, scheduledPlanAt: null });
    // Past periods are rated with past terms: Starter's are recorded as in force from the period's end, not from when the change ran.
    const latest = await api.db.prisma.tariffVersion.findFirstOrThrow({ where: { tenantId: 'acme' }, orderBy: { id: 'desc' } });
    expect(latest.effectiveFrom).toEqual(at);
    expect(latest.terms).toMatchObject({ plan: 'starter', fee: '499' });
  });

  it('keeps the current plan when the owner drops a scheduled downgrade', async () => {
    await owner.billing.checkout({ planId: 'enterprise' });
    await owner.billing.checkout({ planId: 'professional' });
    expect((await owner.billing.preview()).scheduledChange?.planId).toBe('professional');
    await owner.billing.cancelScheduled();
    expect((await owner.billing.preview()).scheduledChange).toBeNull();
    expect(await applyDuePlanChanges(new Date('2100-01-01T00:00:00Z'))).toBe(0);
  });

  it('words graduated tiers as ranges', () => {
    expect(tierRangeText(DEFAULT_TIERS.vex)).toBe('first 50,000 at $0.005, then $0.008 each');
    expect(tierRangeText([{ upTo: 10n, unitPrice: 10n ** 9n, stripeItem: null }, { upTo: 30n, unitPrice: 5n * 10n ** 8n, stripeItem: null }, { upTo: null, unitPrice: 10n ** 8n, stripeItem: null }])).toBe(
      'first 10 at $0.10, next 20 at $0.05, then $0.01 each',
    );
  });
});

describe("plan changes priced by Stripe's invoice preview", () => {
  it('shows Stripe’s amount due where Stripe prices it, and says so when Stripe cannot', async () => {
    const fake = await FakeStripe.start();
    try {
      const stripe = createStripe('sk_test_fake', { ...fake.clientOptions(), maxNetworkRetries: 0 });
      const setup = await applyStripeCatalog(stripe, buildStripeCatalog());
      await api.tenantWithKey('globex'); // on Starter
      const customer = await createCustomer(stripe, { tenantId: 'globex', name: 'Globex' });
      const starter = setup.plans.find((p) => p.planId === 'starter')!;
      const now = new Date('2026-12-21T00:00:00Z');
      const subscription = fake.createSubscription({ customer, prices: [starter.stripePriceId, starter.meteredPriceIds.vex, starter.meteredPriceIds.fu], periodStart: new Date('2026-12-01T00:00:00Z'), periodEnd: new Date('2027-01-01T00:00:00Z') });
      await api.db.prisma.tenant.update({ where: { id: 'globex' }, data: { stripeCustomerId: customer, stripeSubscriptionId: subscription } });
      const provider = stripeProvider({ secretKey: 'sk_test_fake', publicUrl: 'https://signet.example', client: { ...fake.clientOptions(), maxNetworkRetries: 0 } });

      const up = await quotePlanChange('globex', 'enterprise', now);
      const priced = await provider.pricePlanChange('globex', up);
      expect(priced).toEqual({ source: 'stripe', dueNow: BigInt(Math.round((999_900 * 11) / 31) - Math.round((49_900 * 11) / 31)) * 10n ** 8n, prorationDate: now });
      expect(fake.callsTo('POST', '/v1/invoices/create_preview')[0]!.params).toMatchObject({ subscription, subscription_details: { proration_date: String(now.getTime() / 1000) } });
      // Stripe rounds each line; Signet rounds the difference: at most a cent apart.
      expect(Number(toCents(up.dueNow)) - Number(toCents((priced as { dueNow: bigint }).dueNow))).toBeLessThanOrEqual(1);

      expect(await provider.pricePlanChange('globex', await quotePlanChange('globex', 'professional', now))).toMatchObject({ source: 'stripe' });
      fake.failNext(1, 'server_error');
      const warned = vi.spyOn(logger, 'warn');
      expect(await provider.pricePlanChange('globex', up)).toEqual({ source: 'local', reason: 'stripe_failed', error: 'An unknown error occurred (fake failure).' });
      expect(warned).toHaveBeenCalledWith({ tenant: 'globex', plan: 'enterprise', reason: 'An unknown error occurred (fake failure).' }, expect.stringContaining('preview failed'));
      warned.mockRestore();
      await api.db.prisma.tenant.update({ where: { id: 'globex' }, data: { stripeSubscriptionId: 'sub_gone' } });
      expect(await provider.pricePlanChange('globex', up)).toEqual({ source: 'local', reason: 'stripe_failed', error: "No such subscription: 'sub_gone'" });

      await api.db.prisma.tenant.update({ where: { id: 'globex' }, data: { planId: 'professional' } });
      const calls = fake.calls.length;
      expect(await provider.pricePlanChange('globex', await quotePlanChange('globex', 'starter', now))).toEqual({ source: 'local', reason: 'downgrade' });
      expect(fake.calls.length).toBe(calls);
      expect(await localProvider().pricePlanChange('globex', up)).toEqual({ source: 'local', reason: 'local_provider' });
    } finally {
      await fake.close();
    }
  });
});

describe('plan changes of an existing Stripe subscription', () => {
  it('changes the subscription in place at the previewed price, never a second one through Checkout; downgrades go to the Customer Portal', async () => {
    const fake = await FakeStripe.start();
    try {
      const stripe = createStripe('sk_test_fake', { ...fake.clientOptions(), maxNetworkRetries: 0 });
      const setup = await applyStripeCatalog(stripe, buildStripeCatalog());
      await api.tenantWithKey('initech'); // on Starter
      const customer = await createCustomer(stripe, { tenantId: 'initech', name: 'Initech' });
      const starter = setup.plans.find((p) => p.planId === 'starter')!;
      const subscription = fake.createSubscription({ customer, prices: [starter.stripePriceId, starter.meteredPriceIds.vex, starter.meteredPriceIds.fu], periodStart: new Date('2026-12-01T00:00:00Z'), periodEnd: new Date('2027-01-01T00:00:00Z') });
      await api.db.prisma.tenant.update({ where: { id: 'initech' }, data: { stripeCustomerId: customer, stripeSubscriptionId: subscription } });
      const provider = stripeProvider({ secretKey: 'sk_test_fake', publicUrl: 'https://signet.example', client: { ...fake.clientOptions(), maxNetworkRetries: 0 } });
      const actor = { id: null, email: 'owner@initech.test', ip: null };

      const shownAt = new Date('2026-12-21T00:00:00Z');
      // Stripe failing the update: refused with its reason, the subscription and the bill untouched.
      fake.failNext(1, 'server_error');
      await expect(provider.startCheckout({ tenantId: 'initech', planId: 'enterprise', email: null, actor, quote: await quotePlanChange('initech', 'enterprise', shownAt) })).rejects.toThrow('Stripe refused the change, nothing was charged');
      expect(fake.invoices).toHaveLength(0);
      expect(fake.subscriptions.get(subscription)!.items.data.map((item) => (item.price as { lookup_key: string }).lookup_key)[0]).toBe('signet_starter_monthly');

      const priced = (await provider.pricePlanChange('initech', await quotePlanChange('initech', 'enterprise', shownAt))) as { source: 'stripe'; dueNow: bigint; prorationDate: Date };
      // The owner confirms ten minutes after seeing the price, and is charged that price.
      const confirmed = await quotePlanChange('initech', 'enterprise', new Date(shownAt.getTime() + 600_000));
      expect(await provider.startCheckout({ tenantId: 'initech', planId: 'enterprise', email: null, actor, quote: confirmed, previewedAt: priced.prorationDate })).toEqual({ kind: 'changed', planId: 'enterprise' });
      expect(fake.checkoutSessions.size).toBe(0);
      expect(fake.subscriptions.size).toBe(1);
      expect(fake.callsTo('POST', `/v1/subscriptions/${subscription}`)[0]!.params).toMatchObject({ proration_behavior: 'always_invoice', proration_date: String(shownAt.getTime() / 1000), payment_behavior: 'error_if_incomplete' });
      expect(fake.subscriptions.get(subscription)!.items.data.map((item) => (item.price as { lookup_key: string }).lookup_key)).toEqual(['signet_enterprise_monthly', 'signet_enterprise_vex_metered', 'signet_enterprise_fu_metered']);
      expect(fake.invoices).toHaveLength(1);
      expect(BigInt(fake.invoices[0]!.amount_due as number) * 10n ** 8n).toBe(priced.dueNow);
      const entry = await api.db.prisma.auditLog.findFirstOrThrow({ where: { tenantId: 'initech', action: 'billing.checkout' }, orderBy: { id: 'desc' } });
      expect(entry.detail).toEqual({ provider: 'stripe', result: 'changed' });

      // A price shown more than an hour before is not charged: the owner must look again.
      const stale = quotePlanChange('initech', 'professional', new Date(shownAt.getTime() + 2 * 3_600_000));
      await expect(provider.startCheckout({ tenantId: 'initech', planId: 'professional', email: null, actor, quote: await stale, previewedAt: shownAt })).rejects.toThrow('over an hour old');

      // Stripe's webhook has moved the tenant to Enterprise: a downgrade is refused, nothing sent.
      await api.db.prisma.tenant.update({ where: { id: 'initech' }, data: { planId: 'enterprise' } });
      const calls = fake.calls.length;
      const down = await quotePlanChange('initech', 'starter', shownAt);
      await expect(provider.startCheckout({ tenantId: 'initech', planId: 'starter', email: null, actor, quote: down })).rejects.toThrow('Stripe Customer Portal');
      expect(fake.calls.length).toBe(calls);
      expect(fake.invoices).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});

describe('keys', () => {
  it('labels a rotated key as rotating out until its overlap ends; the new one is plain active', async () => {
    const created = await owner.apiKeys.create({ name: 'backend' });
    const rotated = await owner.apiKeys.rotate({ id: created.apiKey.id, overlap: '24h' });
    const keys = await owner.apiKeys.list();
    const old = keys.find((k) => k.id === created.apiKey.id)!;
    const fresh = keys.find((k) => k.id === rotated.apiKey.id)!;
    expect(old).toMatchObject({ status: 'active', rotatingOut: true, expiresAt: rotated.previousExpiresAt });
    expect(fresh).toMatchObject({ status: 'active', rotatingOut: false, expiresAt: null });
  });

  it('the snippets shown with a new key send a first exchange that gets a signed receipt', async () => {
    const { secret } = await owner.apiKeys.create({ name: 'snippets' });
    const dir = mkdtempSync(path.join(tmpdir(), 'signet-snippets-'));
    const results: Record<string, { trace_id: string; receipt_hash: string }> = {};
    const languages: SnippetLanguage[] = ['curl', 'typescript', 'python'];
    for (const language of languages) {
      const code = exchangeSnippet(language, { baseUrl: api.url, apiKey: secret, idempotencyKey: `first-${language}` });
      let stdout: string;
      if (language === 'curl') ({ stdout } = await run('bash', ['-c', code]));
      else if (language === 'typescript') {
        writeFileSync(path.join(dir, 'first-exchange.mts'), code);
        ({ stdout } = await run('npx', ['tsx', path.join(dir, 'first-exchange.mts')]));
      } else {
        writeFileSync(path.join(dir, 'first_exchange.py'), code);
        ({ stdout } = await run('python3', [path.join(dir, 'first_exchange.py')]));
      }
      const body = JSON.parse(stdout) as { trace_id: string; receipt?: { receipt_hash: string }; receipt_hash?: string };
      results[language] = { trace_id: body.trace_id, receipt_hash: body.receipt?.receipt_hash ?? body.receipt_hash! };
      expect(results[language]!.receipt_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    const receipts = await api.db.prisma.receipt.findMany({ where: { tenantId: 'acme', traceId: { in: Object.values(results).map((r) => r.trace_id) } } });
    expect(receipts.map((r) => r.receiptHash).sort()).toEqual(Object.values(results).map((r) => r.receipt_hash).sort());
    // Running the curl snippet again replays the same exchange: no second receipt.
    const again = JSON.parse((await run('bash', ['-c', exchangeSnippet('curl', { baseUrl: api.url, apiKey: secret, idempotencyKey: 'first-curl' })])).stdout) as { trace_id: string };
    expect(again.trace_id).toBe(results.curl!.trace_id);
  }, 60_000);
});
