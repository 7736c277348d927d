import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchIdentifier, batchRoot } from '../outbox';
import { createStripe } from './client';
import { classifyStripeError, sendMeterEvent, type MeterEventInput } from './meter-events';
import { applyStripeCatalog, buildStripeCatalog } from './setup';
import { FakeStripe } from './testing/fake-stripe';

let fake: FakeStripe;
beforeEach(async () => {
  fake = await FakeStripe.start();
  await applyStripeCatalog(stripe(), buildStripeCatalog());
  fake.calls.length = 0;
});
afterEach(async () => {
  await fake.close();
});

function stripe(options: { timeoutMs?: number; key?: string } = {}) {
  return createStripe(options.key ?? 'sk_test_signet', { ...fake.clientOptions(), maxNetworkRetries: 0, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
}

const event = (): MeterEventInput => ({
  eventName: 'signet_vex',
  stripeCustomerId: 'cus_123',
  value: 42n,
  identifier: batchIdentifier('vex', batchRoot(['sha256:aa', 'sha256:bb'])),
  timestamp: new Date('2026-01-10T12:00:30.900Z'),
});

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return classifyStripeError(error);
  }
  throw new Error('expected the call to fail');
}

describe('sendMeterEvent', () => {
  it('sends one meter event with the batch identifier, customer, value and timestamp', async () => {
    const input = event();
    const sent = await sendMeterEvent(stripe(), input);
    expect(sent.identifier).toBe(input.identifier);
    expect(fake.meterEvents).toEqual([
      { event_name: 'signet_vex', identifier: input.identifier, payload: { stripe_customer_id: 'cus_123', value: '42' }, timestamp: 1768046430 },
    ]);
    expect(fake.calls[0]!.idempotencyKey).toBe(`signet-meter-${input.identifier}`);
  });

  it('a resent batch is counted once', async () => {
    await sendMeterEvent(stripe(), event());
    await sendMeterEvent(stripe(), event());
    expect(fake.callsTo('POST', '/v1/billing/meter_events')).toHaveLength(2);
    expect(fake.meterEvents).toHaveLength(1);
  });

  it('refuses values and identifiers Stripe would reject', async () => {
    await expect(sendMeterEvent(stripe(), { ...event(), value: 0n })).rejects.toThrow(/positive/);
    await expect(sendMeterEvent(stripe(), { ...event(), identifier: 'x'.repeat(101) })).rejects.toThrow(/1 to 100/);
    expect(fake.calls).toEqual([]);
  });
});

describe('classifyStripeError', () => {
  it('retries 500s and 429s', async () => {
    fake.failNext(1, 'server_error');
    expect(await failure(sendMeterEvent(stripe(), event()))).toMatchObject({ retryable: true, status: 500 });
    fake.failNext(1, 'rate_limit');
    expect(await failure(sendMeterEvent(stripe(), event()))).toMatchObject({ retryable: true, status: 429 });
    expect(fake.meterEvents).toEqual([]);
  });

  it('retries timeouts and refused connections', async () => {
    fake.failNext(1, 'hang');
    const timedOut = await failure(sendMeterEvent(stripe({ timeoutMs: 200 }), event()));
    expect(timedOut).toMatchObject({ retryable: true, status: null });
    expect(timedOut.message).toMatch(/timeout/i);

    const port = fake.port;
    await fake.close();
    const refused = createStripe('sk_test_signet', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
    expect(await failure(sendMeterEvent(refused, event()))).toMatchObject({ retryable: true });
    fake = await FakeStripe.start(); // for afterEach
  });

  it('does not retry bad requests or bad keys', async () => {
    expect(await failure(sendMeterEvent(stripe(), { ...event(), eventName: 'nope' }))).toMatchObject({ retryable: false, status: 400 });
    expect(await failure(sendMeterEvent(stripe({ key: 'rk_wrong' }), event()))).toMatchObject({ retryable: false, status: 401 });
  });

  it('treats anything that is not a Stripe error as permanent', () => {
    expect(classifyStripeError(new TypeError('bug'))).toEqual({ retryable: false, status: null, message: 'bug' });
  });

  it('recovers: after failures the same batch goes through exactly once', async () => {
    fake.failNext(2, 'server_error');
    for (let attempt = 0; attempt < 2; attempt++) expect((await failure(sendMeterEvent(stripe(), event()))).retryable).toBe(true);
    await sendMeterEvent(stripe(), event());
    expect(fake.meterEvents).toHaveLength(1);
    expect(fake.meterEvents[0]!.payload.value).toBe('42');
  });
});
