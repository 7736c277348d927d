// The billing provider: Stripe when STRIPE_SECRET_KEY is set, else the local provider (the
// embedded default). Both expose the same operations and end in the same subscription state
// transition, so nothing else in the product needs to know which one is active.
import Stripe from 'stripe';
import { audit, type AuditActor } from '../audit/log';
import { loadConfig, type Config } from '../config';
import { prisma } from '../db';
import { inTransaction, type Tx } from '../db/transaction';
import { METER_EVENT_NAMES, METERS, planMeteredLookupKey, type Meter, type PlanId } from './catalog';
import { createCheckoutSession, createCustomer, createPortalSession } from './stripe/checkout';
import { createStripe, type StripeClientOptions } from './stripe/client';
import { sendMeterEvent } from './stripe/meter-events';
import type { SubscriptionStateChange } from './stripe/webhooks';
import { planItemLookupKeys, previewPlanChangeInvoice } from './stripe/invoice-preview';
import { changeSubscriptionPlan } from './stripe/subscription-change';
import { clearScheduledChange, type PlanChangeQuote } from './plan-change';
import { fromCents, type Money } from '@/lib/money';
import { applySubscriptionChange, type ProviderKind } from './subscription';
import { existingTenants, withTariffChange } from './tariffs';
import { AppError } from '../errors';
import { logger } from '../telemetry/logger';

export class BillingProviderError extends AppError {
  constructor(message: string) {
    super('BILLING_ACTION_REFUSED', message);
    this.name = 'BillingProviderError';
  }
}

export interface CheckoutRequest {
  tenantId: string;
  planId: string;
  /** The owner starting checkout; becomes the Stripe customer's email. */
  email: string | null;
  /** Who the audit entry names. */
  actor: AuditActor;
  /** The change as quoted now. */
  quote: PlanChangeQuote;
  /** The instant Stripe's invoice preview priced the change at (what the owner was shown), if it did. */
  previewedAt?: Date;
}

export type CheckoutResult =
  /** Stripe: send the browser to the Checkout Session. */
  | { kind: 'redirect'; url: string }
  /** Local: the subscription is already active (test mode, no card charged). */
  | { kind: 'completed'; planId: string; status: string }
  /** Stripe: the existing subscription was changed and the prorated invoice charged; the plan follows Stripe's webhook. */
  | { kind: 'changed'; planId: string };

export type PortalResult = { kind: 'redirect'; url: string } | { kind: 'local' };

/** One billing batch as the provider sees it; `billedUnits` > 0 (empty batches never get here). */
export interface OutgoingBatch {
  id: string;
  tenantId: string;
  meter: Meter;
  identifier: string;
  billedUnits: bigint;
  windowEnd: Date;
}

export type SendResult = { status: 'sent' } | { status: 'skipped'; reason: string };

/**
 * Who priced a plan change. `stripe`: Stripe's invoice preview (its amount due replaces the local
 * figure). `local`: Signet's own proration — with the local provider, for a downgrade (nothing is
 * charged until the period ends), or because Stripe's preview failed (`error` says why, and the
 * figure must be shown as Signet's estimate, never as Stripe's).
 */
export type PlanChangePricing =
  | { source: 'stripe'; dueNow: Money; prorationDate: Date }
  | { source: 'local'; reason: 'local_provider' | 'downgrade' }
  | { source: 'local'; reason: 'stripe_failed'; error: string };

export interface BillingProvider {
  kind: ProviderKind;
  /** True for the local provider: nothing is charged anywhere. */
  testMode: boolean;
  // Each operation writes its audit entry: the local provider in the transaction of its change,
  // Stripe after its remote call (see recordRemoteCall).
  startCheckout(request: CheckoutRequest): Promise<CheckoutResult>;
  openPortal(tenantId: string, actor: AuditActor): Promise<PortalResult>;
  /** Local only: ends the subscription (Stripe tenants cancel in the Customer Portal). */
  cancel(tenantId: string, actor: AuditActor): Promise<void>;
  /** Reports a batch's billed units; throws when the provider could not take it. */
  sendBatch(batch: OutgoingBatch): Promise<SendResult>;
  /** Prices a quoted plan change as the provider will charge it. Never throws for a provider failure: says so instead. */
  pricePlanChange(tenantId: string, quote: PlanChangeQuote): Promise<PlanChangePricing>;
}

async function requirePlan(planId: string) {
  const plan = await prisma().plan.findUnique({ where: { id: planId } });
  if (!plan || !plan.active) throw new BillingProviderError(`no active plan "${planId}"`);
  return plan;
}

/** A local subscription change with its audit entries, in one transaction between tariff recordings. */
function applyLocally(tenantId: string, change: Pick<SubscriptionStateChange, 'type' | 'status' | 'planLookupKey'>, record: (tx: Tx) => Promise<void>) {
  return withTariffChange(existingTenants([tenantId]), () =>
    inTransaction(async (tx) => {
      const applied = await applySubscriptionChange(
        { eventId: `local_${Date.now().toString(36)}`, occurredAt: new Date(), tenantId, customerId: null, subscriptionId: null, periodStart: null, periodEnd: null, ...change },
        'local',
        tx,
      );
      if (!applied) throw new BillingProviderError(`no tenant "${tenantId}"`);
      await record(tx);
      return applied;
    }),
  );
}

export function localProvider(): BillingProvider {
  return {
    kind: 'local',
    testMode: true,
    async startCheckout({ tenantId, planId, actor }) {
      const plan = await requirePlan(planId);
      const applied = await applyLocally(tenantId, { type: 'checkout.session.completed', status: 'active', planLookupKey: plan.lookupKey }, async (tx) => {
        await clearScheduledChange(tx, tenantId);
        await audit(tx, actor, 'billing.checkout', { tenantId, target: planId, detail: { provider: 'local', result: 'completed' } });
      });
      return { kind: 'completed', planId: plan.id, status: applied.status };
    },
    async openPortal(tenantId, actor) {
      await inTransaction((tx) => audit(tx, actor, 'billing.portal', { tenantId, target: tenantId, detail: { provider: 'local', result: 'local' } }));
      return { kind: 'local' };
    },
    async cancel(tenantId, actor) {
      await applyLocally(tenantId, { type: 'customer.subscription.deleted', status: 'canceled', planLookupKey: null }, (tx) =>
        audit(tx, actor, 'billing.cancel', { tenantId, target: tenantId }),
      );
    },
    async sendBatch() {
      return { status: 'sent' };
    },
    async pricePlanChange() {
      return { source: 'local', reason: 'local_provider' };
    },
  };
}

/**
 * A Stripe call crosses the network: no database transaction can include it (it cannot be rolled
 * back, nor held open while Stripe answers), so once it returns one write records the attempt and
 * its result. A call that fails records nothing; the owner sees the error and may try again.
 */
function recordRemoteCall(actor: AuditActor, action: string, tenantId: string, target: string, result: string) {
  return inTransaction((tx) => audit(tx, actor, action, { tenantId, target, detail: { provider: 'stripe', result } }));
}

export interface StripeProviderOptions {
  secretKey: string;
  /** Where Checkout and the Customer Portal send the browser back to. */
  publicUrl: string;
  client?: StripeClientOptions;
  /** Per meter-event call; the outbox retries with backoff, so the SDK does not. */
  sendTimeoutMs?: number;
}

export function stripeProvider(options: StripeProviderOptions): BillingProvider {
  const stripe = createStripe(options.secretKey, options.client);
  const sender = createStripe(options.secretKey, { ...options.client, maxNetworkRetries: 0, timeoutMs: options.sendTimeoutMs ?? 10_000 });
  // The owner waits on screen for a price: one retry, ten seconds each, then the page says Stripe failed.
  const previewer = createStripe(options.secretKey, { maxNetworkRetries: 1, ...options.client, timeoutMs: 10_000 });
  const billingUrl = `${options.publicUrl.replace(/\/$/, '')}/dashboard/billing`;

  async function customerOf(tenantId: string, email: string | null): Promise<string> {
    const tenant = await prisma().tenant.findUnique({ where: { id: tenantId } });
    if (!tenant) throw new BillingProviderError(`no tenant "${tenantId}"`);
    if (tenant.stripeCustomerId) return tenant.stripeCustomerId;
    const customerId = await createCustomer(stripe, { tenantId, name: tenant.name, email });
    await prisma().tenant.updateMany({ where: { id: tenantId, stripeCustomerId: null }, data: { stripeCustomerId: customerId } });
    return customerId;
  }

  return {
    kind: 'stripe',
    testMode: options.secretKey.startsWith('sk_test_'),
    async startCheckout({ tenantId, planId, email, actor, quote, previewedAt }) {
      const plan = await requirePlan(planId);
      const tenant = await prisma().tenant.findUnique({ where: { id: tenantId }, select: { stripeSubscriptionId: true } });
      if (tenant?.stripeSubscriptionId) {
        // Checkout would start a second subscription beside this one: it is changed in place.
        if (quote.direction === 'downgrade') {
          throw new BillingProviderError('a Stripe subscription is downgraded in the Stripe Customer Portal (Manage subscription), where the change takes effect at the end of the period');
        }
        const toPlan = { id: plan.id as PlanId, lookupKey: plan.lookupKey };
        const prorationDate = prorationDateOf(quote, previewedAt);
        try {
          await changeSubscriptionPlan(stripe, {
            subscriptionId: tenant.stripeSubscriptionId,
            toPlan,
            prices: await pricesByLookupKey(stripe, planItemLookupKeys(toPlan)),
            prorationDate,
          });
        } catch (error) {
          if (!(error instanceof Stripe.errors.StripeError)) throw error;
          // A declined card or an outage: the subscription is as it was, and the owner is told why.
          await recordRemoteCall(actor, 'billing.checkout', tenantId, planId, 'refused');
          throw new BillingProviderError(`Stripe refused the change, nothing was charged: ${error.message}`);
        }
        await recordRemoteCall(actor, 'billing.checkout', tenantId, planId, 'changed');
        return { kind: 'changed', planId };
      }
      const metered = METERS.map((meter) => planMeteredLookupKey(plan.id as PlanId, meter));
      const prices = await pricesByLookupKey(stripe, [plan.lookupKey, ...metered]);
      const session = await createCheckoutSession(stripe, {
        customerId: await customerOf(tenantId, email),
        tenantId,
        planPriceId: prices.get(plan.lookupKey)!,
        planLookupKey: plan.lookupKey,
        meteredPriceIds: metered.map((key) => prices.get(key)!),
        successUrl: `${billingUrl}?checkout=success`,
        cancelUrl: `${billingUrl}?checkout=canceled`,
      });
      await recordRemoteCall(actor, 'billing.checkout', tenantId, planId, 'redirect');
      return { kind: 'redirect', url: session.url };
    },
    async openPortal(tenantId, actor) {
      const tenant = await prisma().tenant.findUnique({ where: { id: tenantId } });
      if (!tenant?.stripeCustomerId) throw new BillingProviderError('there is no Stripe subscription to manage yet; choose a plan first');
      const session = await createPortalSession(stripe, { customerId: tenant.stripeCustomerId, returnUrl: billingUrl });
      await recordRemoteCall(actor, 'billing.portal', tenantId, tenantId, 'redirect');
      return { kind: 'redirect', url: session.url };
    },
    async cancel() {
      throw new BillingProviderError('cancel the subscription in the Stripe Customer Portal (Manage subscription)');
    },
    async sendBatch(batch) {
      const tenant = await prisma().tenant.findUnique({ where: { id: batch.tenantId }, select: { stripeCustomerId: true } });
      if (!tenant?.stripeCustomerId) return { status: 'skipped', reason: 'the tenant has no Stripe customer (no Stripe subscription yet)' };
      await sendMeterEvent(sender, {
        eventName: METER_EVENT_NAMES[batch.meter],
        stripeCustomerId: tenant.stripeCustomerId,
        value: batch.billedUnits,
        identifier: batch.identifier,
        timestamp: batch.windowEnd,
      });
      return { status: 'sent' };
    },
    async pricePlanChange(tenantId, quote) {
      if (quote.direction === 'downgrade') return { source: 'local', reason: 'downgrade' };
      const tenant = await prisma().tenant.findUnique({ where: { id: tenantId }, select: { stripeCustomerId: true, stripeSubscriptionId: true } });
      try {
        const toPlan = { id: quote.to.id as PlanId, lookupKey: quote.to.lookupKey };
        const preview = await previewPlanChangeInvoice(previewer, {
          customerId: tenant?.stripeCustomerId ?? null,
          subscriptionId: tenant?.stripeSubscriptionId ?? null,
          toPlan,
          prices: await pricesByLookupKey(previewer, planItemLookupKeys(toPlan)),
          prorationDate: quote.quotedAt,
        });
        if (preview.currency !== 'usd') throw new BillingProviderError(`Stripe priced the change in ${preview.currency.toUpperCase()}; Signet's plans are in USD`);
        return { source: 'stripe', dueNow: fromCents(preview.amountDueCents), prorationDate: preview.prorationDate };
      } catch (error) {
        if (!(error instanceof Stripe.errors.StripeError || error instanceof AppError)) throw error;
        // The owner sees the failure on screen; the operator needs it too (an outage, a missing price).
        logger.warn({ tenant: tenantId, plan: quote.to.id, reason: error.message }, "Stripe's plan-change preview failed; Signet's estimate shown");
        return { source: 'local', reason: 'stripe_failed', error: error.message };
      }
    },
  };
}

/** How old a preview may be and still set the charge: the owner confirms within minutes of seeing it. */
const PREVIEW_VALID_MS = 60 * 60 * 1000;

/**
 * The instant a change is prorated at: the one Stripe's preview used, so the owner is charged the
 * amount they were shown, while that preview is recent and inside the period; now without one.
 */
function prorationDateOf(quote: PlanChangeQuote, previewedAt: Date | undefined): Date {
  if (!previewedAt) return quote.quotedAt;
  const age = quote.quotedAt.getTime() - previewedAt.getTime();
  if (age < 0 || age > PREVIEW_VALID_MS || previewedAt < quote.period.start) {
    throw new AppError('INVALID_REQUEST', 'the price you confirmed is over an hour old or from another period; open the change again to see the current price');
  }
  return previewedAt;
}

async function pricesByLookupKey(stripe: Stripe, keys: string[]): Promise<Map<string, string>> {
  const { data } = await stripe.prices.list({ lookup_keys: keys, active: true, limit: keys.length });
  const found = new Map(data.filter((p) => p.lookup_key).map((p) => [p.lookup_key!, p.id]));
  const missing = keys.filter((k) => !found.has(k));
  if (missing.length > 0) throw new BillingProviderError(`Stripe has no active price for ${missing.join(', ')}; run npm run stripe:setup`);
  return found;
}

/** The provider the configuration selects: Stripe when STRIPE_SECRET_KEY is set, else local. */
export function providerFromConfig(config: Pick<Config, 'stripeSecretKey' | 'publicUrl'>): BillingProvider {
  if (!config.stripeSecretKey) return localProvider();
  return stripeProvider({ secretKey: config.stripeSecretKey, publicUrl: config.publicUrl });
}

let active: BillingProvider | null = null;

/** The process's provider (built once from the environment). */
export function activeBillingProvider(): BillingProvider {
  active ??= providerFromConfig(loadConfig());
  return active;
}
