// GET /v1/billing/dashboard: the calling tenant's plan, period, ledger usage, allowance, overage
// by tier and projected charges (SPEC §4). Counts and cents are digit strings and money is an
// exact decimal dollar string, so no value ever passes through a binary float.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { AUTH_FAILURE_CODES, authenticateApiKey } from '@/server/apikeys/authenticate';
import { billingDashboard, dashboardToJson } from '@/server/billing/dashboard';
import { usageProofBundle } from '@/server/usage-proof/bundle';
import { activeMembership } from '@/server/tenants/principal';
import { LEDGER_COLUMNS, usageLedger } from '@/server/billing/ledger-export';
import { parsePeriodRef } from '@/server/billing/statements';
import { tenantBilling } from '@/server/billing/terms';
import { getDatabase } from '@/server/db';
import { usageProofBundleSchema, type UsageProofBundle } from '@/server/receipts/wire-schema';
import { AppError } from '@/server/errors';
import { sessionPrincipal } from '../session';
import { apiKeyHeader, checkedByHandler, errorResponses, serializedJson } from '../openapi';

const digits = z.string().regex(/^\d+$/).openapi({ description: 'A non-negative integer as a decimal string (exact beyond 2^53)' });
const usd = z.string().openapi({ description: 'Exact US dollars as a decimal string, e.g. "0.0008" or "1999"' });
const meterCharge = z.object({
  used: digits,
  included: digits,
  billable: digits,
  lines: z.array(
    z.object({ tier: z.number().int(), from: digits, to: digits, units: digits, unit_price_usd: usd, amount_usd: usd, amount_cents: digits, stripe_item: z.string().nullable() }),
  ),
  subtotal_usd: usd,
  subtotal_cents: digits,
  next_unit_price_usd: usd,
});
const perMeter = <T extends z.ZodTypeAny>(schema: T) => z.object({ vex: schema, fu: schema });

const dashboardSchema = z
  .object({
    tenant: z.string(),
    plan: z.object({ id: z.string(), name: z.string(), monthly_fee_usd: usd, included: perMeter(digits), stripe_item: z.string() }).nullable(),
    subscription_status: z.string(),
    billing_provider: z.enum(['local', 'stripe']).or(z.string()),
    period: z.object({ start: z.string().openapi({ format: 'date-time' }), end: z.string().openapi({ format: 'date-time' }) }),
    basis: z.enum(['plan', 'reserved']),
    usage: perMeter(digits),
    reserved: perMeter(digits).nullable(),
    included: perMeter(digits).openapi({ description: 'Units included this period: the reserved capacity when basis is "reserved", else the plan\'s' }),
    overage: perMeter(meterCharge),
    projected: z.object({ fee_usd: usd, fee_cents: digits, total_usd: usd, total_cents: digits }),
    next_unit_price_usd: perMeter(usd),
    stripe_items: z.object({ plan: z.string().nullable(), vex: z.string().nullable(), fu: z.string().nullable() }),
  })
  .openapi('BillingDashboard');

async function callingTenant(key: string | undefined) {
  const principal = await authenticateApiKey(key);
  if (principal === 'missing') throw new AppError('API_KEY_MISSING', 'an API key is required (X-SIGNET-API-Key header)');
  if (typeof principal === 'string') throw new AppError(AUTH_FAILURE_CODES[principal], `the API key is ${principal === 'unknown' ? 'not valid' : principal}`);
  return principal;
}

/** The calling key's tenant, or (the portal's downloads) the signed-in member's tenant. */
async function keyOrSessionTenant(key: string | undefined, cookie: string | undefined, requested: string | undefined): Promise<{ tenantId: string }> {
  if (key) return callingTenant(key);
  const session = await sessionPrincipal(cookie);
  if (!session) return callingTenant(undefined);
  // A tenant named must be one of the member's: never quietly another (activeMembership falls back to the first).
  const membership = requested ? session.memberships.find((m) => m.tenantId === requested) : activeMembership(session);
  if (membership) return { tenantId: membership.tenantId };
  if (requested) throw new AppError('TENANT_NOT_FOUND', `you are not a member of tenant ${requested}`);
  return callingTenant(undefined);
}

const sessionTenant = z.string().optional().openapi({ description: 'With a portal session instead of a key: which of your tenants' });

const usageProofQuery = z.object({
  period: z.string().max(16).default('current').openapi({ description: '`current`, `previous`, or `YYYY-MM-DD`: the first day of one of the tenant\'s billing periods' }),
  form: z.enum(['receipts', 'compact']).default('receipts').openapi({ description: '`receipts`: an inclusion path per receipt; `compact`: the log tiles covering the tenant\'s leaves' }),
});

const dashboardRoute = createRoute({
  method: 'get',
  path: '/v1/billing/dashboard',
  summary: "The calling tenant's billing period: usage from the ledger, included or reserved units, overage by tier, projected charges",
  description:
    'The period is the Stripe subscription period when one is known, otherwise the calendar month (UTC), half-open [start, end). Line amounts are exact; *_cents values are rounded half-up per line and totals add the rounded lines.',
  request: { headers: z.object(apiKeyHeader) },
  responses: { 200: { description: 'The dashboard', content: { 'application/json': { schema: dashboardSchema } } }, ...errorResponses([401, 503]) },
});

const usageProofRoute = createRoute({
  method: 'get',
  path: '/v1/billing/usage-proof',
  summary: "The calling tenant's signed usage statement for a period, with the proof of every unit it bills (SPEC §8)",
  description:
    'Streamed JSON: the statement, statement_cid, kid, signature, the billing provider\'s record of the batches (`provider`), then (compact form) `tiles`, then `receipts` in leaf order, one per line. Verify with `npx signet-verify usage <bundle> --jwks … --log-key …`. A signed-in portal member may download their tenant\'s (`?tenant=`) without a key.',
  request: { headers: z.object(apiKeyHeader), query: usageProofQuery.extend({ tenant: sessionTenant }) },
  responses: {
    200: { description: 'The usage proof bundle, as an attachment', content: { 'application/json': { schema: usageProofBundleSchema.openapi('UsageProofBundle') } } },
    ...errorResponses([400, 401, 404, 503], { 400: 'Invalid period (PERIOD_INVALID) or form', 404: 'No such tenant (a session naming another tenant)' }),
  },
});

// One NDJSON line; `satisfies` keeps it to exactly the columns the export writes.
const ledgerLine = z.object({
  receipt_hash: z.string(),
  meter: z.enum(['vex', 'fu']),
  units: digits,
  occurred_at: z.string().openapi({ format: 'date-time' }),
  api_key_id: z.string().nullable(),
  batch_id: z.string().nullable(),
} satisfies Record<(typeof LEDGER_COLUMNS)[number], z.ZodType>);

const usageLedgerRoute = createRoute({
  method: 'get',
  path: '/v1/billing/usage-ledger',
  summary: "Every usage row of the calling tenant's period (what the reconciliation report sums), streamed",
  description:
    'CSV (RFC 4180, header line) or NDJSON (one object per line, the schema given), in (meter, occurred_at) order, streamed in batches so any size of period is served in constant memory. `period` is `current` (default) or a month `YYYY-MM` (UTC). A signed-in portal member may download their tenant\'s (`?tenant=`) without a key.',
  request: {
    headers: z.object(apiKeyHeader),
    query: z.object({ period: z.string().optional(), format: z.enum(['csv', 'ndjson']).optional(), tenant: sessionTenant }),
  },
  responses: {
    200: {
      description: 'The ledger rows, as an attachment',
      content: { 'text/csv': { schema: z.string().openapi({ description: `Header line: ${LEDGER_COLUMNS.join(',')}` }) }, 'application/x-ndjson': { schema: ledgerLine } },
    },
    ...errorResponses([400, 401, 404, 503], { 404: 'No such tenant (a session naming another tenant)' }),
  },
});

/** A body pulled one chunk at a time: the next chunk is produced only when the client has taken the last. */
function pulled(chunks: AsyncGenerator<string, unknown, undefined>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

// The handlers authenticate before they read the query (see checkedByHandler).
export function registerBillingRoutes(app: OpenAPIHono) {
  app.openapi(checkedByHandler(app, dashboardRoute), async (c) => {
    const principal = await callingTenant(c.req.header('x-signet-api-key') ?? c.req.header('x-odin-api-key'));
    const dashboard = await billingDashboard(principal.tenantId, { keyItems: { vex: principal.stripeItemVex, fu: principal.stripeItemFu } });
    c.header('Cache-Control', 'no-store');
    return c.json(dashboardToJson(dashboard), 200);
  });

  app.openapi(checkedByHandler(app, usageProofRoute), async (c) => {
    const principal = await keyOrSessionTenant(c.req.header('x-signet-api-key') ?? c.req.header('x-odin-api-key'), c.req.header('cookie'), c.req.query('tenant'));
    const query = usageProofQuery.safeParse({ period: c.req.query('period') ?? undefined, form: c.req.query('form') ?? undefined });
    if (!query.success) throw new AppError('INVALID_REQUEST', query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const body = pulled(await usageProofBundle(principal.tenantId, query.data.period, query.data.form));
    return serializedJson<UsageProofBundle, 200>(c, body, 200, {
      'Cache-Control': 'no-store',
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="usage-proof-${principal.tenantId}-${query.data.period}-${query.data.form}.json"`,
    });
  });

  app.openapi(checkedByHandler(app, usageLedgerRoute), async (c) => {
    const principal = await keyOrSessionTenant(c.req.header('x-signet-api-key') ?? c.req.header('x-odin-api-key'), c.req.header('cookie'), c.req.query('tenant'));
    const format = c.req.query('format') ?? 'csv';
    if (format !== 'csv' && format !== 'ndjson') throw new AppError('INVALID_REQUEST', 'format must be csv or ndjson');
    const billing = await tenantBilling(principal.tenantId, new Date());
    let period;
    try {
      period = parsePeriodRef(c.req.query('period') ?? 'current', billing.period);
    } catch (err) {
      throw new AppError('INVALID_REQUEST', (err as Error).message);
    }
    const body = pulled(usageLedger(getDatabase().sql, principal.tenantId, period, format));
    const name = `signet-usage-ledger-${principal.tenantId}-${period.start.toISOString().slice(0, 10)}.${format === 'csv' ? 'csv' : 'ndjson'}`;
    return c.body(body, 200, {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    });
  });
}
