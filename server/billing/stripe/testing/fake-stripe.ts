// A local HTTP server that answers, in Stripe's documented shapes, exactly the v1 calls Signet
// makes: products, prices (list/search by lookup key), billing meters, meter events, payment
// links, customers, Checkout and billing-portal sessions, subscriptions (read, and their items
// changed) and invoice previews (prorated by the second, as Stripe prorates). It keeps state in memory, records
// every call, replays Idempotency-Key responses, and can fail the next N calls (500, 429, or a
// hang) to exercise retries. Point the SDK at it with `createStripe(key, fake.clientOptions())`.
//
// Meter events with an identifier already seen are acknowledged but not counted again: Stripe
// enforces identifier uniqueness for at least 24 hours, and an exactly-once test must see every
// identifier counted once however often it was sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

export interface RecordedCall {
  method: string;
  path: string;
  params: Json;
  idempotencyKey: string | null;
  /** Set when the call was made to fail by `failNext`. */
  failedWith: FailureMode | null;
}

export type FailureMode = 'server_error' | 'rate_limit' | 'hang';

export interface AcceptedMeterEvent {
  event_name: string;
  identifier: string;
  payload: Record<string, string>;
  timestamp: number;
}

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

const notFound = (kind: string, id: string) => new StripeApiError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, 'resource_missing', 'id');
const badParam = (param: string, message: string) => new StripeApiError(400, 'invalid_request_error', message, 'parameter_missing', param);

// Stripe's ids are unique across accounts and time: so are the fakes' within a process, so that
// two tests' fakes never hand out the same customer id (a unique column in tenants).
let issuedIds = 0;

export class FakeStripe {
  readonly calls: RecordedCall[] = [];
  readonly products = new Map<string, Json>();
  readonly prices = new Map<string, Json>();
  readonly meters = new Map<string, Json>();
  readonly meterEvents: AcceptedMeterEvent[] = [];
  readonly paymentLinks = new Map<string, Json & { line_items: Json[] }>();
  readonly customers = new Map<string, Json>();
  readonly checkoutSessions = new Map<string, Json>();
  readonly portalSessions = new Map<string, Json>();
  readonly subscriptions = new Map<string, Json & { items: Json & { data: Json[] } }>();
  /** Invoices that subscription changes charged at once (`always_invoice`), oldest first. */
  readonly invoices: Json[] = [];

  private readonly idempotent = new Map<string, { status: number; body: string }>();
  private readonly hanging = new Set<http.ServerResponse>();
  private failures: { mode: FailureMode; remaining: number } | null = null;
  private sequence = 0;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeStripe> {
    const server = http.createServer();
    const fake = new FakeStripe(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Options for `createStripe` (or `new Stripe`) that target this server. */
  clientOptions(): { host: string; port: number; protocol: 'http' } {
    return { host: '127.0.0.1', port: this.port, protocol: 'http' };
  }

  /** The next `count` requests fail with `mode` (recorded, no state change). */
  failNext(count: number, mode: FailureMode): void {
    this.failures = count > 0 ? { mode, remaining: count } : null;
  }

  callsTo(method: string, path: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.path === path);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const params = parseForm(req.method === 'GET' || req.method === 'DELETE' ? url.search.slice(1) : raw);
    const idempotencyKey = header(req, 'idempotency-key');
    const call: RecordedCall = { method: req.method ?? 'GET', path: url.pathname, params, idempotencyKey, failedWith: null };
    this.calls.push(call);

    if (this.failures) {
      call.failedWith = this.failures.mode;
      if (--this.failures.remaining <= 0) this.failures = null;
      if (call.failedWith === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      const error =
        call.failedWith === 'rate_limit'
          ? new StripeApiError(429, 'invalid_request_error', 'Request rate limit exceeded.', 'rate_limit')
          : new StripeApiError(500, 'api_error', 'An unknown error occurred (fake failure).');
      return send(res, error.status, errorBody(error));
    }

    if (!/^Bearer sk_\S+$/.test(header(req, 'authorization') ?? '')) {
      return send(res, 401, errorBody(new StripeApiError(401, 'invalid_request_error', 'You did not provide a valid API key.')));
    }
    const cacheKey = idempotencyKey && call.method === 'POST' ? `${idempotencyKey}` : null;
    const cached = cacheKey ? this.idempotent.get(cacheKey) : undefined;
    if (cached) {
      res.setHeader('Idempotent-Replayed', 'true');
      return send(res, cached.status, cached.body);
    }

    let status = 200;
    let body: string;
    try {
      body = JSON.stringify(this.route(call.method, url.pathname, params));
    } catch (error) {
      // A bug in this fake still answers, so the test fails with its message instead of hanging.
      const apiError = error instanceof StripeApiError ? error : new StripeApiError(500, 'api_error', `fake-stripe: ${(error as Error).message}`);
      status = apiError.status;
      body = errorBody(apiError);
    }
    if (cacheKey) this.idempotent.set(cacheKey, { status, body });
    send(res, status, body);
  }

  private route(method: string, path: string, p: Json): unknown {
    const routes: Array<[string, RegExp, (id: string) => unknown]> = [
      ['POST', /^\/v1\/products$/, () => this.createProduct(p)],
      ['GET', /^\/v1\/products\/([^/]+)$/, (id) => this.get(this.products, 'product', id)],
      ['POST', /^\/v1\/products\/([^/]+)$/, (id) => this.update(this.products, 'product', id, p, ['name', 'description', 'unit_label', 'active', 'metadata'])],
      ['POST', /^\/v1\/prices$/, () => this.createPrice(p)],
      ['GET', /^\/v1\/prices$/, () => list('/v1/prices', this.filterPrices(p))],
      ['GET', /^\/v1\/prices\/search$/, () => this.searchPrices(p)],
      ['POST', /^\/v1\/prices\/([^/]+)$/, (id) => this.updatePrice(id, p)],
      ['GET', /^\/v1\/billing\/meters$/, () => list('/v1/billing/meters', [...this.meters.values()].filter((m) => !p.status || m.status === p.status))],
      ['POST', /^\/v1\/billing\/meters$/, () => this.createMeter(p)],
      ['POST', /^\/v1\/billing\/meters\/([^/]+)\/reactivate$/, (id) => Object.assign(this.get(this.meters, 'billing meter', id), { status: 'active' })],
      ['POST', /^\/v1\/billing\/meter_events$/, () => this.createMeterEvent(p)],
      ['POST', /^\/v1\/payment_links$/, () => this.createPaymentLink(p)],
      ['GET', /^\/v1\/payment_links$/, () => list('/v1/payment_links', [...this.paymentLinks.values()].filter((l) => p.active === undefined || String(l.active) === p.active).map(withoutLineItems))],
      ['POST', /^\/v1\/payment_links\/([^/]+)$/, (id) => withoutLineItems(this.update(this.paymentLinks, 'payment link', id, p, ['active', 'metadata']))],
      ['POST', /^\/v1\/customers$/, () => this.createCustomer(p)],
      ['GET', /^\/v1\/customers\/([^/]+)$/, (id) => this.get(this.customers, 'customer', id)],
      ['POST', /^\/v1\/checkout\/sessions$/, () => this.createCheckoutSession(p)],
      ['POST', /^\/v1\/billing_portal\/sessions$/, () => this.createPortalSession(p)],
      ['GET', /^\/v1\/subscriptions\/([^/]+)$/, (id) => this.get(this.subscriptions, 'subscription', id)],
      ['POST', /^\/v1\/subscriptions\/([^/]+)$/, (id) => this.updateSubscription(id, p)],
      ['POST', /^\/v1\/invoices\/create_preview$/, () => this.previewInvoice(p)],
    ];
    for (const [routeMethod, pattern, handler] of routes) {
      const match = routeMethod === method ? pattern.exec(path) : null;
      if (match) return handler(decodeURIComponent(match[1] ?? ''));
    }
    throw new StripeApiError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  private id(prefix: string): string {
    this.sequence = ++issuedIds;
    return `${prefix}_fake${String(this.sequence).padStart(6, '0')}`;
  }

  private get<T extends Json>(store: Map<string, T>, kind: string, id: string): T {
    const found = store.get(id);
    if (!found) throw notFound(kind, id);
    return found;
  }

  private update<T extends Json>(store: Map<string, T>, kind: string, id: string, p: Json, fields: string[]): T {
    const found = this.get(store, kind, id);
    for (const field of fields) {
      if (p[field] === undefined) continue;
      (found as Json)[field] = field === 'active' ? p[field] === 'true' : field === 'metadata' ? { ...(found.metadata as Json), ...(p.metadata as Json) } : p[field];
    }
    return found;
  }

  private createProduct(p: Json): Json {
    if (!p.name) throw badParam('name', 'Missing required param: name.');
    const id = (p.id as string | undefined) ?? this.id('prod');
    if (this.products.has(id)) throw new StripeApiError(400, 'invalid_request_error', `Product already exists.`, 'resource_already_exists', 'id');
    const product = {
      id,
      object: 'product',
      active: p.active !== 'false',
      created: now(),
      default_price: null,
      description: p.description ?? null,
      livemode: false,
      metadata: p.metadata ?? {},
      name: p.name,
      unit_label: p.unit_label ?? null,
      updated: now(),
    };
    this.products.set(id, product);
    return product;
  }

  private createPrice(p: Json): Json {
    if (!p.currency) throw badParam('currency', 'Missing required param: currency.');
    if (!p.product || !this.products.has(p.product as string)) throw notFound('product', String(p.product));
    const recurring = p.recurring as Json | undefined;
    if (recurring?.meter && !this.meters.has(recurring.meter as string)) throw notFound('billing meter', String(recurring.meter));
    if (recurring?.usage_type === 'metered' && !recurring.meter) throw badParam('recurring[meter]', 'Metered prices must be backed by a meter.');
    const lookupKey = (p.lookup_key as string | undefined) ?? null;
    if (lookupKey) this.claimLookupKey(lookupKey, p.transfer_lookup_key === 'true');
    const tiers = (p.tiers as Json[] | undefined)?.map((t) => ({
      flat_amount: null,
      flat_amount_decimal: null,
      unit_amount: t.unit_amount === undefined ? null : Number(t.unit_amount),
      unit_amount_decimal: (t.unit_amount_decimal as string | undefined) ?? (t.unit_amount as string | undefined) ?? null,
      up_to: t.up_to === 'inf' ? null : Number(t.up_to),
    }));
    if (p.billing_scheme === 'tiered' && (!tiers || tiers.length === 0 || tiers.at(-1)!.up_to !== null)) {
      throw badParam('tiers', 'Tiered prices need tiers whose last `up_to` is `inf`.');
    }
    const price = {
      id: this.id('price'),
      object: 'price',
      active: p.active !== 'false',
      billing_scheme: p.billing_scheme ?? 'per_unit',
      created: now(),
      currency: p.currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: lookupKey,
      metadata: p.metadata ?? {},
      nickname: p.nickname ?? null,
      product: p.product,
      recurring: recurring
        ? { interval: recurring.interval, interval_count: Number(recurring.interval_count ?? 1), meter: recurring.meter ?? null, trial_period_days: null, usage_type: recurring.usage_type ?? 'licensed' }
        : null,
      tax_behavior: 'unspecified',
      tiers_mode: p.tiers_mode ?? null,
      transform_quantity: null,
      type: recurring ? 'recurring' : 'one_time',
      unit_amount: p.unit_amount === undefined ? null : Number(p.unit_amount),
      unit_amount_decimal: (p.unit_amount_decimal as string | undefined) ?? (p.unit_amount as string | undefined) ?? null,
      tiers,
    };
    this.prices.set(price.id, price);
    return presentPrice(price, p);
  }

  private claimLookupKey(lookupKey: string, transfer: boolean): void {
    for (const other of this.prices.values()) {
      if (other.lookup_key !== lookupKey) continue;
      if (!transfer) throw new StripeApiError(400, 'invalid_request_error', `A price (\`${other.id}\`) already uses that lookup key.`, undefined, 'lookup_key');
      other.lookup_key = null;
    }
  }

  private filterPrices(p: Json): Json[] {
    const keys = p.lookup_keys as string[] | undefined;
    return [...this.prices.values()]
      .filter((price) => (!keys || keys.includes(price.lookup_key as string)) && (p.active === undefined || String(price.active) === p.active))
      .map((price) => presentPrice(price, p));
  }

  /** Supports the query terms Signet uses: `lookup_key:'…'` and `active:'true|false'`, joined by AND. */
  private searchPrices(p: Json): Json {
    const terms = String(p.query ?? '').split(/\s+AND\s+/i).filter(Boolean);
    const matches = [...this.prices.values()].filter((price) =>
      terms.every((term) => {
        const m = /^(lookup_key|active):['"]([^'"]*)['"]$/.exec(term.trim());
        if (!m) throw badParam('query', `Unsupported search query term: ${term}`);
        return String(price[m[1]!]) === m[2];
      }),
    );
    return { object: 'search_result', data: matches.map((price) => presentPrice(price, p)), has_more: false, next_page: null, url: '/v1/prices/search' };
  }

  private updatePrice(id: string, p: Json): Json {
    const price = this.get(this.prices, 'price', id);
    if (p.lookup_key !== undefined && p.lookup_key !== '') this.claimLookupKey(p.lookup_key as string, p.transfer_lookup_key === 'true');
    this.update(this.prices, 'price', id, p, ['active', 'metadata', 'nickname', 'lookup_key']);
    if (price.lookup_key === '') price.lookup_key = null;
    return presentPrice(price, p);
  }

  private createMeter(p: Json): Json {
    if (!p.event_name) throw badParam('event_name', 'Missing required param: event_name.');
    if (!p.display_name) throw badParam('display_name', 'Missing required param: display_name.');
    const aggregation = p.default_aggregation as Json | undefined;
    if (!aggregation?.formula) throw badParam('default_aggregation[formula]', 'Missing required param: default_aggregation[formula].');
    if ([...this.meters.values()].some((m) => m.event_name === p.event_name)) {
      throw new StripeApiError(400, 'invalid_request_error', `A meter with event_name ${p.event_name} already exists.`, undefined, 'event_name');
    }
    const meter = {
      id: this.id('mtr'),
      object: 'billing.meter',
      created: now(),
      customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id', ...(p.customer_mapping as Json | undefined) },
      default_aggregation: { formula: aggregation.formula },
      display_name: p.display_name,
      event_name: p.event_name,
      event_time_window: p.event_time_window ?? null,
      livemode: false,
      status: 'active',
      status_transitions: { deactivated_at: null },
      updated: now(),
      value_settings: { event_payload_key: 'value', ...(p.value_settings as Json | undefined) },
    };
    this.meters.set(meter.id, meter);
    return meter;
  }

  private createMeterEvent(p: Json): Json {
    const meter = [...this.meters.values()].find((m) => m.event_name === p.event_name && m.status === 'active');
    if (!meter) throw new StripeApiError(400, 'invalid_request_error', `No active meter with event_name ${String(p.event_name)}.`, undefined, 'event_name');
    const payload = (p.payload ?? {}) as Record<string, string>;
    const customerKey = (meter.customer_mapping as Json).event_payload_key as string;
    const valueKey = (meter.value_settings as Json).event_payload_key as string;
    if (!payload[customerKey]) throw badParam(`payload[${customerKey}]`, `Missing payload key ${customerKey}.`);
    if (payload[valueKey] === undefined || !/^-?\d+(\.\d+)?$/.test(payload[valueKey])) throw badParam(`payload[${valueKey}]`, `payload[${valueKey}] must be a number.`);
    const event: AcceptedMeterEvent = {
      event_name: p.event_name as string,
      identifier: (p.identifier as string | undefined) ?? this.id('mev'),
      payload,
      timestamp: p.timestamp === undefined ? now() : Number(p.timestamp),
    };
    if (!this.meterEvents.some((e) => e.identifier === event.identifier)) this.meterEvents.push(event);
    return { object: 'billing.meter_event', created: now(), livemode: false, ...event };
  }

  private createPaymentLink(p: Json): Json {
    const items = p.line_items as Json[] | undefined;
    if (!items?.length) throw badParam('line_items', 'Missing required param: line_items.');
    for (const item of items) if (!this.prices.has(item.price as string)) throw notFound('price', String(item.price));
    const link = {
      id: this.id('plink'),
      object: 'payment_link',
      active: true,
      after_completion: p.after_completion ?? { type: 'hosted_confirmation' },
      currency: 'usd',
      livemode: false,
      metadata: p.metadata ?? {},
      url: `https://buy.stripe.test/${this.sequence}`,
      line_items: items,
    };
    this.paymentLinks.set(link.id, link);
    return withoutLineItems(link);
  }

  private createCustomer(p: Json): Json {
    const customer = { id: this.id('cus'), object: 'customer', created: now(), email: p.email ?? null, livemode: false, metadata: p.metadata ?? {}, name: p.name ?? null };
    this.customers.set(customer.id, customer);
    return customer;
  }

  private createCheckoutSession(p: Json): Json {
    if (p.mode !== 'subscription' && p.mode !== 'payment' && p.mode !== 'setup') throw badParam('mode', 'Invalid mode.');
    if (p.customer && !this.customers.has(p.customer as string)) throw notFound('customer', String(p.customer));
    const items = (p.line_items as Json[] | undefined) ?? [];
    if (p.mode === 'subscription' && items.length === 0) throw badParam('line_items', 'Subscription mode needs line_items.');
    items.forEach((item, i) => {
      const price = this.get(this.prices, 'price', item.price as string);
      const metered = (price.recurring as Json | null)?.usage_type === 'metered';
      if (metered && item.quantity !== undefined) {
        throw new StripeApiError(400, 'invalid_request_error', 'Quantity should not be specified where usage_type is `metered`. Remove quantity from `line_items[' + i + ']`.', undefined, `line_items[${i}][quantity]`);
      }
      if (!metered && item.quantity === undefined) throw badParam(`line_items[${i}][quantity]`, 'Quantity is required for licensed prices.');
    });
    const id = this.id('cs_test');
    const session = {
      id,
      object: 'checkout.session',
      cancel_url: p.cancel_url ?? null,
      client_reference_id: p.client_reference_id ?? null,
      created: now(),
      customer: p.customer ?? null,
      livemode: false,
      metadata: p.metadata ?? {},
      mode: p.mode,
      payment_status: 'unpaid',
      status: 'open',
      subscription: null,
      success_url: p.success_url ?? null,
      url: `https://checkout.stripe.test/c/pay/${id}`,
    };
    this.checkoutSessions.set(id, { ...session, line_items: items, subscription_data: p.subscription_data });
    return session;
  }

  /** An active subscription, as a completed Checkout would leave it (tests set one up directly). */
  createSubscription(input: { customer: string; prices: string[]; periodStart: Date; periodEnd: Date }): string {
    this.get(this.customers, 'customer', input.customer);
    const id = this.id('sub');
    const [start, end] = [input.periodStart, input.periodEnd].map((d) => Math.floor(d.getTime() / 1000));
    const items = input.prices.map((priceId) => {
      const price = this.get(this.prices, 'price', priceId);
      const metered = (price.recurring as Json | null)?.usage_type === 'metered';
      return { id: this.id('si'), object: 'subscription_item', price: presentPrice(price, {}), quantity: metered ? undefined : 1, current_period_start: start, current_period_end: end, subscription: id };
    });
    this.subscriptions.set(id, { id, object: 'subscription', customer: input.customer, status: 'active', livemode: false, metadata: {}, items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` } });
    return id;
  }

  /**
   * A subscription's items moved to other prices. With `always_invoice` the proration lines are
   * invoiced and paid at once, exactly as the invoice preview of the same change computes them.
   */
  private updateSubscription(id: string, p: Json): Json {
    const subscription = this.get(this.subscriptions, 'subscription', id);
    const items = (p.items as Json[] | undefined) ?? [];
    const behavior = (p.proration_behavior as string | undefined) ?? 'create_prorations';
    // Refuses unknown items and behaviours as the preview does.
    const invoice = this.previewInvoice({ subscription: id, subscription_details: { items, proration_behavior: behavior, ...(p.proration_date !== undefined && { proration_date: p.proration_date }) } });
    for (const change of items) {
      const item = subscription.items.data.find((i) => i.id === change.id)!;
      item.price = presentPrice(this.get(this.prices, 'price', change.price as string), {});
    }
    if (behavior === 'always_invoice') this.invoices.push({ ...invoice, id: this.id('in'), status: 'paid', subscription: id, billing_reason: 'subscription_update' });
    return subscription;
  }

  /**
   * The invoice a subscription change (or a new subscription) would produce. Changed licensed
   * items are prorated by the second: a credit for the old price's unused time and a charge for
   * the new price's remaining time, each rounded to the cent. `always_invoice` returns just those
   * lines (charged now), `none` none of them; metered items prorate nothing.
   */
  private previewInvoice(p: Json): Json {
    const details = (p.subscription_details ?? {}) as Json;
    const changes = (details.items as Json[] | undefined) ?? [];
    const lines: Json[] = [];
    const line = (amount: number, price: Json, proration: boolean, subscription: string | null, item: string | null, description: string) =>
      lines.push({
        id: this.id('il_tmp'),
        object: 'line_item',
        amount,
        currency: price.currency,
        description,
        parent: { type: 'subscription_item_details', invoice_item_details: null, subscription_item_details: { invoice_item: null, proration, proration_details: null, subscription, subscription_item: item } },
        pricing: { type: 'price_details', price_details: { price: price.id, product: price.product }, unit_amount_decimal: price.unit_amount_decimal },
        quantity: 1,
      });
    if (p.subscription) {
      const subscription = this.get(this.subscriptions, 'subscription', p.subscription as string);
      const behavior = (details.proration_behavior as string | undefined) ?? 'create_prorations';
      if (!['create_prorations', 'always_invoice', 'none'].includes(behavior)) throw badParam('subscription_details[proration_behavior]', 'Invalid proration_behavior.');
      for (const change of changes) {
        const item = subscription.items.data.find((i) => i.id === change.id);
        if (!item) throw new StripeApiError(400, 'invalid_request_error', `Subscription item ${String(change.id)} does not belong to ${subscription.id}.`, undefined, 'subscription_details[items]');
        const [from, to] = [item.price as Json, this.get(this.prices, 'price', change.price as string)];
        if (from.id === to.id || behavior === 'none' || from.unit_amount === null || to.unit_amount === null) continue;
        const [start, end] = [item.current_period_start as number, item.current_period_end as number];
        const at = details.proration_date === undefined ? now() : Number(details.proration_date);
        const share = Math.max(0, Math.min(end - start, end - at)) / (end - start);
        line(-Math.round((from.unit_amount as number) * share), from, true, subscription.id as string, item.id as string, `Unused time on ${String(from.lookup_key)}`);
        line(Math.round((to.unit_amount as number) * share), to, true, subscription.id as string, item.id as string, `Remaining time on ${String(to.lookup_key)}`);
      }
      if (behavior !== 'always_invoice') {
        for (const item of subscription.items.data) {
          const change = changes.find((c) => c.id === item.id);
          const price = change ? this.get(this.prices, 'price', change.price as string) : (item.price as Json);
          if (price.unit_amount !== null) line(price.unit_amount as number, price, false, subscription.id as string, item.id as string, `1 × ${String(price.lookup_key)}`);
        }
      }
    } else {
      if (p.customer) this.get(this.customers, 'customer', p.customer as string);
      else if (!p.customer_details) throw badParam('customer', 'Missing required param: customer, customer_details, subscription or schedule.');
      for (const change of changes) {
        const price = this.get(this.prices, 'price', change.price as string);
        if (price.unit_amount !== null) line(price.unit_amount as number, price, false, null, null, `1 × ${String(price.lookup_key)}`);
      }
    }
    const total = lines.reduce((sum, l) => sum + (l.amount as number), 0);
    return {
      id: `upcoming_in_fake${this.sequence}`,
      object: 'invoice',
      amount_due: Math.max(0, total),
      currency: 'usd',
      customer: p.customer ?? (p.subscription ? this.subscriptions.get(p.subscription as string)!.customer : null),
      lines: list('/v1/invoices/upcoming/lines', lines),
      livemode: false,
      status: 'draft',
      subtotal: total,
      total,
    };
  }

  private createPortalSession(p: Json): Json {
    if (!p.customer) throw badParam('customer', 'Missing required param: customer.');
    this.get(this.customers, 'customer', p.customer as string);
    const id = this.id('bps');
    const session = { id, object: 'billing_portal.session', created: now(), customer: p.customer, livemode: false, return_url: p.return_url ?? null, url: `https://billing.stripe.test/p/session/${id}` };
    this.portalSessions.set(id, session);
    return session;
  }
}

/** Stripe omits `tiers` unless expanded. */
function presentPrice(price: Json, p: Json): Json {
  const expand = (p.expand as string[] | undefined) ?? [];
  if (expand.includes('tiers') || expand.includes('data.tiers')) return price;
  const { tiers: _tiers, ...rest } = price;
  return rest;
}

function withoutLineItems(link: Json & { line_items: Json[] }): Json {
  const { line_items: _items, ...rest } = link;
  return rest;
}

function list(url: string, data: unknown[]): Json {
  return { object: 'list', data, has_more: false, url };
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function header(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

function errorBody(error: StripeApiError): string {
  return JSON.stringify({ error: { type: error.type, message: error.message, ...(error.code ? { code: error.code } : {}), ...(error.param ? { param: error.param } : {}) } });
}

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': `req_fake_${Date.now()}` });
  res.end(body);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Decodes Stripe's form encoding (`a[b][0][c]=v`) into nested objects and arrays of strings. */
export function parseForm(text: string): Json {
  const root: Json = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const [head, ...rest] = rawKey.split('[');
    const path = [head!, ...rest.map((s) => s.replace(/\]$/, ''))];
    let node: Json = root;
    path.forEach((segment, i) => {
      if (i === path.length - 1) node[segment] = value;
      else node = (node[segment] ??= {}) as Json;
    });
  }
  return arraysFromIndexedObjects(root) as Json;
}

function arraysFromIndexedObjects(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Json).map(([k, v]) => [k, arraysFromIndexedObjects(v)] as const);
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  }
  return Object.fromEntries(entries);
}
