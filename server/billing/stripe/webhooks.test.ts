import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { parseWebhook, subscriptionStateFromEvent, WebhookSignatureError } from './webhooks';

const stripe = new Stripe('sk_test_signet');
const secret = 'whsec_test_signet';

function signed(event: object, options: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(event);
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? secret, ...(options.timestamp ? { timestamp: options.timestamp } : {}) });
  return { payload, header };
}

const baseEvent = (type: string, object: object) => ({
  id: `evt_${type.replace(/\W/g, '_')}`,
  object: 'event',
  api_version: Stripe.API_VERSION,
  created: 1768046400,
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  type,
  data: { object },
});

describe('parseWebhook', () => {
  const event = baseEvent('invoice.paid', { id: 'in_1', object: 'invoice', customer: 'cus_1' });

  it('accepts a correctly signed event', () => {
    const { payload, header } = signed(event);
    expect(parseWebhook(stripe, payload, header, secret)).toMatchObject({ id: event.id, type: 'invoice.paid' });
    expect(parseWebhook(stripe, Buffer.from(payload), header, secret).id).toBe(event.id);
  });

  it('rejects a tampered body', () => {
    const { payload, header } = signed(event);
    expect(() => parseWebhook(stripe, payload.replace('cus_1', 'cus_2'), header, secret)).toThrow(WebhookSignatureError);
    expect(() => parseWebhook(stripe, payload.replace('cus_1', 'cus_2'), header, secret)).toThrow(/signature verification failed/);
  });

  it('rejects a signature made with another secret', () => {
    const { payload, header } = signed(event, { secret: 'whsec_other' });
    expect(() => parseWebhook(stripe, payload, header, secret)).toThrow(/No signatures found/);
  });

  it('rejects a stale timestamp (replay outside the tolerance)', () => {
    const { payload, header } = signed(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(() => parseWebhook(stripe, payload, header, secret)).toThrow(/tolerance/);
    expect(parseWebhook(stripe, payload, header, secret, { toleranceSeconds: 600 }).id).toBe(event.id);
  });

  it('rejects a missing header, a garbage header and a missing secret', () => {
    const { payload } = signed(event);
    expect(() => parseWebhook(stripe, payload, undefined, secret)).toThrow(/missing Stripe-Signature/);
    expect(() => parseWebhook(stripe, payload, 'nonsense', secret)).toThrow(WebhookSignatureError);
    expect(() => parseWebhook(stripe, payload, 't=1,v1=00', '')).toThrow(/not configured/);
  });
});

describe('subscriptionStateFromEvent', () => {
  const parse = (event: object) => subscriptionStateFromEvent(event as Stripe.Event);

  it('checkout.session.completed names the tenant, customer, subscription and plan', () => {
    const state = parse(
      baseEvent('checkout.session.completed', {
        id: 'cs_1',
        object: 'checkout.session',
        mode: 'subscription',
        client_reference_id: 'acme',
        customer: 'cus_1',
        subscription: 'sub_1',
        payment_status: 'paid',
        metadata: { tenant_id: 'acme', plan_lookup_key: 'signet_starter_monthly' },
      }),
    );
    expect(state).toEqual({
      eventId: 'evt_checkout_session_completed',
      type: 'checkout.session.completed',
      occurredAt: new Date(1768046400 * 1000),
      tenantId: 'acme',
      customerId: 'cus_1',
      subscriptionId: 'sub_1',
      status: 'active',
      planLookupKey: 'signet_starter_monthly',
      periodStart: null,
      periodEnd: null,
    });
  });

  it('checkout falls back to client_reference_id; unpaid is incomplete; payment mode is ignored', () => {
    const session = { id: 'cs_2', object: 'checkout.session', mode: 'subscription', client_reference_id: 'beta', customer: { id: 'cus_2' }, subscription: null, payment_status: 'unpaid', metadata: {} };
    expect(parse(baseEvent('checkout.session.completed', session))).toMatchObject({ tenantId: 'beta', customerId: 'cus_2', status: 'incomplete', planLookupKey: null });
    expect(parse(baseEvent('checkout.session.completed', { ...session, mode: 'payment' }))).toBeNull();
  });

  const subscription = (status: string) => ({
    id: 'sub_1',
    object: 'subscription',
    customer: 'cus_1',
    status,
    metadata: { tenant_id: 'acme' },
    items: {
      object: 'list',
      data: [
        { id: 'si_vex', price: { id: 'price_v', lookup_key: 'signet_professional_vex_metered' }, current_period_start: 1767225600, current_period_end: 1769904000 },
        { id: 'si_plan', price: { id: 'price_p', lookup_key: 'signet_professional_monthly' }, current_period_start: 1767225600, current_period_end: 1769904000 },
      ],
    },
  });

  it.each([
    ['customer.subscription.created', 'incomplete', 'incomplete'],
    ['customer.subscription.updated', 'active', 'active'],
    ['customer.subscription.updated', 'past_due', 'past_due'],
    ['customer.subscription.deleted', 'active', 'canceled'],
  ])('%s with status %s → %s, with the plan and period', (type, status, expected) => {
    expect(parse(baseEvent(type, subscription(status)))).toMatchObject({
      type,
      tenantId: 'acme',
      customerId: 'cus_1',
      subscriptionId: 'sub_1',
      status: expected,
      planLookupKey: 'signet_professional_monthly',
      periodStart: new Date('2026-01-01T00:00:00Z'),
      periodEnd: new Date('2026-02-01T00:00:00Z'),
    });
  });

  it.each([
    ['invoice.paid', 'active'],
    ['invoice.payment_failed', 'past_due'],
  ])('%s → %s', (type, status) => {
    const invoice = {
      id: 'in_1',
      object: 'invoice',
      customer: 'cus_1',
      parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_1', metadata: { tenant_id: 'acme', plan_lookup_key: 'signet_enterprise_monthly' } } },
    };
    expect(parse(baseEvent(type, invoice))).toMatchObject({ type, tenantId: 'acme', customerId: 'cus_1', subscriptionId: 'sub_1', status, planLookupKey: 'signet_enterprise_monthly' });
  });

  it('ignores other event types', () => {
    expect(parse(baseEvent('customer.created', { id: 'cus_1', object: 'customer' }))).toBeNull();
  });
});
