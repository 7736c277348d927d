// Billing wired end to end over real HTTP and the portal procedures: the dashboard after a burst
// of exchanges, reserved-capacity reload (admin only), Stripe webhooks (signature, replay),
// checkout → active plan with the local provider and through the Stripe SDK against the fake,
// and the signed reconciliation report.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStripeCatalog, buildStripeCatalog } from '@/server/billing/stripe/setup';
import { createStripe } from '@/server/billing/stripe/client';
import { FakeStripe } from '@/server/billing/stripe/testing/fake-stripe';
import { quotePlanChange } from '@/server/billing/plan-change';
import { localProvider, stripeProvider } from '@/server/billing/provider';
import { jwks } from '@/server/keys/signing-keys';
import { registry } from '@/server/metrics/registry';
import { decodeBase64url } from '@/server/receipts/base64url';
import { cid } from '@/server/receipts/canonical';
import { createVerifier } from '@/server/receipts/ed25519';
import { createUser } from '@/server/tenants/accounts';
import { loadPrincipal, type Principal } from '@/server/tenants/principal';
import { createCallerFactory } from '@/trpc/init';
import { appRouter } from '@/trpc/root';
import { startTestApi, type TestApi } from '../support/api';
import { GUIDE_RESERVED_JSON } from '@/server/billing/testing/guide-reserved';

const financeDemo = {
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-001","amount":1000,"currency":"USD"}' } }] },
};
const WEBHOOK_SECRET = 'whsec_test_signet_billing';
const createCaller = createCallerFactory(appRouter);
const as = (principal: Principal) => createCaller({ principal, ip: '198.51.100.9', requestedTenantId: null });

let api: TestApi;
let dir: string;
const people = {} as Record<'admin' | 'owner' | 'member', Principal>;

async function person(email: string, platformRole?: 'admin') {
  const user = await createUser({ email, password: 'a-long-password', name: email.split('@')[0]!, ...(platformRole ? { platformRole } : {}) });
  return user.id;
}

async function sessionCookie(userId: string, email: string) {
  const token = await encode({ token: { sub: userId, email }, secret: process.env.NEXTAUTH_SECRET! });
  return `next-auth.session-token=${token}`;
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = 'billing-test-secret-0123456789';
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  dir = mkdtempSync(path.join(tmpdir(), 'signet-billing-'));
  api = await startTestApi();
  await api.tenantWithKey('acme');
  const adminId = await person('admin@billing.test', 'admin');
  const ownerId = await person('owner@acme.test');
  const memberId = await person('member@acme.test');
  await api.db.prisma.membership.createMany({ data: [{ userId: ownerId, tenantId: 'acme', role: 'owner' }, { userId: memberId, tenantId: 'acme', role: 'member' }] });
  people.admin = (await loadPrincipal(adminId))!;
  people.owner = (await loadPrincipal(ownerId))!;
  people.member = (await loadPrincipal(memberId))!;
});

afterAll(async () => {
  delete process.env.STRIPE_WEBHOOK_SECRET;
  delete process.env.SP_RESERVED_CONFIG;
  delete process.env.SP_ADMIN_TOKEN;
  await api?.close();
});

async function dashboard(key: string) {
  const res = await fetch(`${api.url}/v1/billing/dashboard`, { headers: { 'x-signet-api-key': key } });
  expect(res.status).toBe(200);
  return res.json();
}

async function burst(key: string, n: number) {
  const statuses = await Promise.all(Array.from({ length: n }, () => api.exchange(key, financeDemo).then((r) => r.status)));
  expect(statuses).toEqual(Array(n).fill(200));
}

describe('GET /v1/billing/dashboard', () => {
  it('requires an API key', async () => {
    expect((await fetch(`${api.url}/v1/billing/dashboard`)).status).toBe(401);
    const res = await fetch(`${api.url}/v1/billing/dashboard`, { headers: { 'x-signet-api-key': 'sk_not_a_key_at_all' } });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('API_KEY_INVALID');
  });

  it('shows a plan tenant its exact usage and no overage within the included units', async () => {
    const key = await api.tenantWithKey('plan-co');
    await burst(key, 4);
    const d = await dashboard(key);
    expect(d).toMatchObject({ tenant: 'plan-co', basis: 'plan', plan: { id: 'starter', monthly_fee_usd: '499' }, usage: { vex: '4', fu: '0' }, included: { vex: '10000', fu: '50000' } });
    expect(d.overage.vex).toMatchObject({ billable: '0', lines: [], next_unit_price_usd: '0' });
    expect(d.projected).toEqual({ fee_usd: '499', fee_cents: '49900', total_usd: '499', total_cents: '49900' });
    expect(d.stripe_items).toEqual({ plan: 'price_signet_starter_monthly_499', vex: 'price_signet_vex_tier1_005', fu: 'price_signet_fu_tier1_001' });
    const now = new Date();
    expect(d.period).toEqual({
      start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
      end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
    });
  });

  it('is exact after a burst that crosses reserved capacity and a tier threshold', async () => {
    const key = await api.tenantWithKey('burst-co');
    await as(people.admin).billing.adminReserved.save({
      tenantId: 'burst-co',
      vexReserved: '5',
      fuReserved: '0',
      subscriptionPlan: null,
      vexTiers: [
        { threshold: '3', pricePerUnit: '0.005', stripeItem: 'price_signet_vex_tier1_005' },
        { threshold: '100', pricePerUnit: '0.008', stripeItem: 'price_signet_vex_tier2_008' },
      ],
      fuTiers: [{ threshold: '1000', pricePerUnit: '0.001', stripeItem: null }],
    });
    await burst(key, 12);
    const d = await dashboard(key);
    // 12 used, 5 reserved → 7 billable: 3 × $0.005 + 4 × $0.008 = $0.047; the plan fee still applies.
    expect(d).toMatchObject({ basis: 'reserved', usage: { vex: '12' }, reserved: { vex: '5', fu: '0' }, included: { vex: '5' } });
    expect(d.overage.vex.billable).toBe('7');
    expect(d.overage.vex.lines).toEqual([
      { tier: 1, from: '1', to: '3', units: '3', unit_price_usd: '0.005', amount_usd: '0.015', amount_cents: '2', stripe_item: 'price_signet_vex_tier1_005' },
      { tier: 2, from: '4', to: '7', units: '4', unit_price_usd: '0.008', amount_usd: '0.032', amount_cents: '3', stripe_item: 'price_signet_vex_tier2_008' },
    ]);
    expect(d.overage.vex.subtotal_usd).toBe('0.047');
    expect(d.projected).toEqual({ fee_usd: '499', fee_cents: '49900', total_usd: '499.047', total_cents: '49905' });
    expect(d.next_unit_price_usd).toEqual({ vex: '0.008', fu: '0.001' }); // no FU reserved: the first FU token is billable
    expect(d.stripe_items.vex).toBe('price_signet_vex_tier2_008');
    expect(await registry.getSingleMetricAsString('signet_reserved_capacity')).toContain('signet_reserved_capacity{tenant="burst-co",type="vex"} 5');
  });

  it('names the calling key’s own Stripe items when it has them', async () => {
    const key = await api.tenantWithKey('items-co');
    await api.db.prisma.apiKey.updateMany({ where: { tenantId: 'items-co' }, data: { stripeItemVex: 'price_custom_vex', stripeItemFu: 'price_custom_fu' } });
    const d = await dashboard(key);
    expect(d.stripe_items).toMatchObject({ vex: 'price_custom_vex', fu: 'price_custom_fu' });
  });
});

describe('POST /v1/admin/reload-reserved', () => {
  const reload = (headers: Record<string, string> = {}) => fetch(`${api.url}/v1/admin/reload-reserved`, { method: 'POST', headers });
  const file = () => path.join(dir, 'reserved.json');

  beforeAll(() => {
    process.env.SP_RESERVED_CONFIG = file();
    process.env.SP_ADMIN_TOKEN = 'admin-token-for-tests';
    writeFileSync(
      file(),
      JSON.stringify(GUIDE_RESERVED_JSON),
    );
  });

  it('refuses anonymous callers, wrong tokens and non-admin sessions', async () => {
    expect((await reload()).status).toBe(401);
    expect((await reload({ authorization: 'Bearer wrong-token' })).status).toBe(401);
    const res = await reload({ cookie: await sessionCookie(people.owner.userId, people.owner.email) });
    expect(res.status).toBe(403);
    expect(await api.db.prisma.reservedCapacity.findUnique({ where: { tenantId: 'enterprise_customer' } })).toBeNull();
  });

  it("imports the guide's reserved.json for an admin session, creating the tenant", async () => {
    const res = await reload({ cookie: await sessionCookie(people.admin.userId, people.admin.email) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reloaded: true, path: file(), tenants: ['enterprise_customer'] });
    const row = await api.db.prisma.reservedCapacity.findUniqueOrThrow({ where: { tenantId: 'enterprise_customer' } });
    expect(row).toMatchObject({ vexReserved: 1000000n, fuReserved: 5000000n, subscriptionPlan: 'price_signet_enterprise_monthly_9999' });
    expect(row.vexTiers).toEqual([{ threshold: 500000, price_per_unit: '0.005', stripe_item: 'price_signet_vex_tier1_005' }]);
    const log = await api.db.prisma.auditLog.findFirst({ where: { action: 'billing.reserved.import' }, orderBy: { id: 'desc' } });
    expect(log).toMatchObject({ actorEmail: people.admin.email });
  });

  it('accepts the SP_ADMIN_TOKEN bearer and rejects an invalid file with every issue, importing nothing', async () => {
    writeFileSync(file(), JSON.stringify({ someone: { vex_reserved: -1, fu_reserved: 0, vex_overage_tiers: [], fu_overage_tiers: [{ threshold: 5, price_per_unit: 0 }] } }));
    const res = await reload({ authorization: 'Bearer admin-token-for-tests' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('RESERVED_CONFIG_INVALID');
    expect(body.error.issues).toHaveLength(3);
    expect(await api.db.prisma.tenant.findUnique({ where: { id: 'someone' } })).toBeNull();
  });
});

describe('admin editing of reserved capacity', () => {
  it('rejects unordered thresholds and non-positive prices, and only admins may edit', async () => {
    const entry = {
      tenantId: 'acme',
      vexReserved: '10',
      fuReserved: '10',
      subscriptionPlan: null,
      vexTiers: [
        { threshold: '5', pricePerUnit: '0.005', stripeItem: null },
        { threshold: '5', pricePerUnit: '0.008', stripeItem: null },
      ],
      fuTiers: [{ threshold: '5', pricePerUnit: '0', stripeItem: null }],
    };
    await expect(as(people.owner).billing.adminReserved.save(entry)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const error = await as(people.admin).billing.adminReserved.save(entry).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect((error as Error).message).toMatch(/duplicate threshold 5/);
    expect((error as Error).message).toMatch(/price_per_unit must be a positive/);
    expect(await as(people.admin).billing.adminReserved.get({ tenantId: 'acme' })).toBeNull();
  });
});

function signedEvent(event: Record<string, unknown>, secret = WEBHOOK_SECRET) {
  const payload = JSON.stringify(event);
  return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
}

async function postWebhook(payload: string, signature: string | null) {
  return fetch(`${api.url}/v1/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) }, body: payload });
}

function subscriptionEvent(id: string, type: string, fields: { tenant: string; customer: string; subscription: string; lookupKey: string; status: string }) {
  const start = Math.floor(Date.UTC(2026, 0, 15) / 1000);
  return {
    id,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: fields.subscription,
        object: 'subscription',
        customer: fields.customer,
        status: fields.status,
        metadata: { tenant_id: fields.tenant, plan_lookup_key: fields.lookupKey },
        items: { object: 'list', data: [{ price: { lookup_key: fields.lookupKey }, current_period_start: start, current_period_end: start + 31 * 86_400 }] },
      },
    },
  };
}

describe('POST /v1/stripe/webhook', () => {
  it('rejects a missing, forged or stale signature with 400 and changes nothing', async () => {
    const { payload } = signedEvent(subscriptionEvent('evt_forged', 'customer.subscription.updated', { tenant: 'acme', customer: 'cus_x', subscription: 'sub_x', lookupKey: 'signet_enterprise_monthly', status: 'active' }));
    expect((await postWebhook(payload, null)).status).toBe(400);
    const forged = await postWebhook(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someone_else' }));
    expect(forged.status).toBe(400);
    expect((await forged.json()).error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const stale = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await postWebhook(payload, stale)).status).toBe(400);
    const tampered = signedEvent(JSON.parse(payload));
    expect((await postWebhook(tampered.payload.replace('acme', 'evil'), tampered.signature)).status).toBe(400);
    expect(await api.db.prisma.stripeEvent.count({ where: { id: 'evt_forged' } })).toBe(0);
    expect((await api.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } })).planId).toBe('starter');
  });

  it('applies a subscription update once; a replay is a 200 no-op', async () => {
    await api.tenantWithKey('hook-co');
    const event = subscriptionEvent('evt_hook_1', 'customer.subscription.updated', { tenant: 'hook-co', customer: 'cus_hook', subscription: 'sub_hook', lookupKey: 'signet_enterprise_monthly', status: 'active' });
    const { payload, signature } = signedEvent(event);
    const first = await postWebhook(payload, signature);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, result: 'applied' });
    const tenant = await api.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'hook-co' } });
    expect(tenant).toMatchObject({ planId: 'enterprise', subscriptionStatus: 'active', billingProvider: 'stripe', stripeCustomerId: 'cus_hook', stripeSubscriptionId: 'sub_hook', periodStart: new Date(Date.UTC(2026, 0, 15)) });

    // Someone changes the plan in the meantime; replaying the old event must not undo it.
    await api.db.prisma.tenant.update({ where: { id: 'hook-co' }, data: { planId: 'professional' } });
    const replay = await postWebhook(payload, signature);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ received: true, result: 'duplicate' });
    expect((await api.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'hook-co' } })).planId).toBe('professional');
    expect(await api.db.prisma.auditLog.count({ where: { action: 'billing.subscription', tenantId: 'hook-co' } })).toBe(1);
  });

  it('marks a failed invoice past_due and a deleted subscription canceled; ignores events it does not handle', async () => {
    const invoice = {
      id: 'evt_hook_2',
      object: 'event',
      type: 'invoice.payment_failed',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'in_1', object: 'invoice', customer: 'cus_hook', metadata: {}, parent: { subscription_details: { subscription: 'sub_hook', metadata: { tenant_id: 'hook-co' } } } } },
    };
    let signed = signedEvent(invoice);
    expect(await (await postWebhook(signed.payload, signed.signature)).json()).toEqual({ received: true, result: 'applied' });
    expect((await api.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'hook-co' } })).subscriptionStatus).toBe('past_due');

    signed = signedEvent(subscriptionEvent('evt_hook_3', 'customer.subscription.deleted', { tenant: 'hook-co', customer: 'cus_hook', subscription: 'sub_hook', lookupKey: 'signet_enterprise_monthly', status: 'canceled' }));
    expect(await (await postWebhook(signed.payload, signed.signature)).json()).toEqual({ received: true, result: 'applied' });
    expect(await api.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'hook-co' } })).toMatchObject({ planId: null, subscriptionStatus: 'canceled', stripeSubscriptionId: null });

    signed = signedEvent({ id: 'evt_hook_4', object: 'event', type: 'customer.created', created: 1, data: { object: { id: 'cus_new', object: 'customer' } } });
    expect(await (await postWebhook(signed.payload, signed.signature)).json()).toEqual({ received: true, result: 'ignored' });
  });
});

describe('checkout → active plan', () => {
  it('with the local provider: completes at once through the same transition, test mode', async () => {
    const provider = localProvider();
    expect(provider.testMode).toBe(true);
    // tRPC uses the process's provider: local, since STRIPE_SECRET_KEY is not set here.
    await expect(as(people.member).billing.checkout({ planId: 'enterprise' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await as(people.owner).billing.checkout({ planId: 'enterprise' })).toEqual({ kind: 'completed', planId: 'enterprise', status: 'active' });
    const preview = await as(people.owner).billing.preview();
    expect(preview).toMatchObject({ plan: { id: 'enterprise' }, subscriptionStatus: 'active', billingProvider: 'local', provider: { kind: 'local', testMode: true } });
    await expect(as(people.owner).billing.checkout({ planId: 'no-such-plan' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await api.db.prisma.auditLog.count({ where: { action: 'billing.checkout', tenantId: 'acme' } })).toBe(1);

    expect(await as(people.owner).billing.portal()).toEqual({ kind: 'local' });
    await as(people.owner).billing.cancel();
    expect(await api.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } })).toMatchObject({ planId: null, subscriptionStatus: 'canceled' });
    await as(people.owner).billing.checkout({ planId: 'starter' });
  });

  it('through the Stripe SDK against the fake: setup, customer, Checkout Session, webhook, portal', async () => {
    const fake = await FakeStripe.start();
    try {
      await applyStripeCatalog(createStripe('sk_test_fake', fake.clientOptions()), buildStripeCatalog());
      await api.tenantWithKey('stripe-co');
      const provider = stripeProvider({ secretKey: 'sk_test_fake', publicUrl: 'https://signet.example', client: fake.clientOptions() });
      const OWNER = { id: null, email: 'owner@stripe-co.test', ip: null };
      const quote = await quotePlanChange('stripe-co', 'professional');
      const result = await provider.startCheckout({ tenantId: 'stripe-co', planId: 'professional', email: 'owner@stripe-co.test', actor: OWNER, quote });
      expect(result.kind).toBe('redirect');
      const [session] = [...fake.checkoutSessions.values()];
      expect(result).toEqual({ kind: 'redirect', url: session!.url });
      const customerId = (await api.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'stripe-co' } })).stripeCustomerId;
      expect(customerId).toMatch(/^cus_fake/);
      expect(session).toMatchObject({ mode: 'subscription', customer: customerId, client_reference_id: 'stripe-co', success_url: 'https://signet.example/dashboard/billing?checkout=success' });
      const prices = (session!.line_items as { price: string }[]).map((item) => fake.prices.get(item.price)!.lookup_key);
      expect(prices).toEqual(['signet_professional_monthly', 'signet_professional_vex_metered', 'signet_professional_fu_metered']);

      // A second checkout reuses the tenant's customer.
      await provider.startCheckout({ tenantId: 'stripe-co', planId: 'professional', email: null, actor: OWNER, quote });
      expect(fake.customers.size).toBe(1);

      const completed = signedEvent({
        id: 'evt_checkout_1',
        object: 'event',
        type: 'checkout.session.completed',
        created: Math.floor(Date.now() / 1000),
        data: { object: { ...session, object: 'checkout.session', status: 'complete', payment_status: 'paid', subscription: 'sub_fake_1' } },
      });
      const res = await postWebhook(completed.payload, completed.signature);
      expect(await res.json()).toEqual({ received: true, result: 'applied' });
      expect(await api.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'stripe-co' } })).toMatchObject({
        planId: 'professional',
        subscriptionStatus: 'active',
        billingProvider: 'stripe',
        stripeSubscriptionId: 'sub_fake_1',
      });

      const portal = await provider.openPortal('stripe-co', OWNER);
      expect(portal).toEqual({ kind: 'redirect', url: expect.stringMatching(/^https:\/\/billing\.stripe\.test\//) });
      await expect(provider.cancel('stripe-co', OWNER)).rejects.toThrow(/Customer Portal/);
    } finally {
      await fake.close();
    }
  });
});

describe('reconciliation and history', () => {
  it('signs the JSON report like an export bundle and counts failed exchanges', async () => {
    const key = await api.tenantWithKey('recon-co');
    await burst(key, 2);
    const bad = await api.exchange(key, { ...financeDemo, payload: { tool_calls: [] } });
    expect(bad.status).toBe(422);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the failure is recorded off the request path
    const ownerId = await person('owner@recon.test');
    await api.db.prisma.membership.create({ data: { userId: ownerId, tenantId: 'recon-co', role: 'owner' } });
    const owner = as((await loadPrincipal(ownerId))!);

    const json = await owner.billing.reconciliation({ period: 'current', format: 'json' });
    const signed = JSON.parse(json.body);
    expect(signed.report_cid).toBe(cid(signed.report));
    const key0 = (await jwks()).keys.find((k) => k.kid === signed.kid)!;
    expect(createVerifier(decodeBase64url(key0.x)).verify(decodeBase64url(signed.signature), new TextEncoder().encode(signed.report_cid))).toBe(true);
    expect(signed.report).toMatchObject({ tenant: 'recon-co', allowance: 'included', plan: 'starter', failed_exchanges: '1', total_cents: '49900' });
    expect(signed.report.rows).toContainEqual(expect.objectContaining({ kind: 'usage', meter: 'vex', used: '2', allowance: '10000' }));
    expect(signed.report.rows).toContainEqual(expect.objectContaining({ kind: 'failed', code: 'INPUT_SCHEMA_INVALID', units: '1' }));

    const csv = await owner.billing.reconciliation({ period: 'current', format: 'csv' });
    expect(csv.contentType).toBe('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('tenant,period_start,period_end,kind,meter,tier,used,allowance,billable,units,unit_price_usd,amount_usd,amount_cents,stripe_item,code');
    await expect(owner.billing.reconciliation({ period: '2026-13', format: 'csv' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    const history = await owner.billing.history();
    expect(history).toHaveLength(12);
    expect(history[0]!.usage).toEqual({ vex: 2n, fu: 0n });
    expect(history[1]!.usage).toEqual({ vex: 0n, fu: 0n });
  });
});
