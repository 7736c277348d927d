// GET /v1/billing/dashboard: the calling tenant's plan, period, ledger usage, allowance, overage
// by tier and projected charges (SPEC §4). Counts and cents are digit strings and money is an
// exact decimal dollar string, so no value ever passes through a binary float.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { authenticateApiKey } from '@/server/apikeys/authenticate';
import { billingDashboard, dashboardToJson } from '@/server/billing/dashboard';
import { ApiError } from '../errors';
import { apiKeyHeader, errorResponses } from '../openapi';

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

export function registerBillingRoutes(app: OpenAPIHono) {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/billing/dashboard',
    summary: "The calling tenant's billing period: usage from the ledger, included or reserved units, overage by tier, projected charges",
    description:
      'The period is the Stripe subscription period when one is known, otherwise the calendar month (UTC), half-open [start, end). Line amounts are exact; *_cents values are rounded half-up per line and totals add the rounded lines.',
    request: { headers: z.object(apiKeyHeader) },
    responses: { 200: { description: 'The dashboard', content: { 'application/json': { schema: dashboardSchema } } }, ...errorResponses([401]) },
  });

  app.get('/v1/billing/dashboard', async (c) => {
    const principal = await authenticateApiKey(c.req.header('x-signet-api-key') ?? c.req.header('x-odin-api-key'));
    if (principal === 'missing') throw new ApiError(401, 'API_KEY_MISSING', 'an API key is required (X-SIGNET-API-Key header)');
    if (typeof principal === 'string') throw new ApiError(401, `API_KEY_${principal === 'unknown' ? 'INVALID' : principal.toUpperCase()}`, `the API key is ${principal === 'unknown' ? 'not valid' : principal}`);
    const dashboard = await billingDashboard(principal.tenantId, { keyItems: { vex: principal.stripeItemVex, fu: principal.stripeItemFu } });
    c.header('Cache-Control', 'no-store');
    return c.json(dashboardToJson(dashboard));
  });
}
