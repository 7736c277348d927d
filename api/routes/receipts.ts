// Reading chains: the owning tenant's API keys, or an auditor/admin portal session naming the
// tenant (`?tenant=`; a chain is (tenant, trace_id), SPEC §2). Anyone else gets 404, never 403,
// so trace ids do not leak.
import type { Context } from 'hono';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { AUTH_FAILURE_CODES, authenticateApiKey } from '@/server/apikeys/authenticate';
import { exportChain, loadChain, recordExportFetch } from '@/server/chains/repository';
import { exportBundleSchema, receiptSchema } from '@/server/receipts/wire-schema';
import { AppError } from '@/server/errors';
import { apiKeyHeader, checkedByHandler, errorResponses } from '../openapi';
import { sessionPrincipal } from '../session';

/** The tenant whose chain the caller reads: its key's own, or the one an auditor/admin names. */
async function tenantFor(c: Context): Promise<string> {
  const named = c.req.query('tenant');
  const key = c.req.header('x-signet-api-key') ?? c.req.header('x-odin-api-key');
  if (key) {
    const p = await authenticateApiKey(key);
    if (typeof p === 'string') throw new AppError(AUTH_FAILURE_CODES[p], `the API key is ${p === 'unknown' ? 'not valid' : p}`);
    if (named !== undefined && named !== p.tenantId) throw traceNotFound();
    return p.tenantId;
  }
  const session = await sessionPrincipal(c.req.header('cookie'));
  if (session && (session.platformRole === 'auditor' || session.platformRole === 'admin')) {
    if (!named) throw new AppError('TENANT_REQUIRED', 'name the tenant whose trace to read: ?tenant=<tenant id> (trace ids are per tenant)');
    return named;
  }
  throw new AppError('API_KEY_MISSING', 'an API key is required (X-SIGNET-API-Key header)');
}

const traceNotFound = () => new AppError('TRACE_NOT_FOUND', 'no such trace');

const TRACE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
function traceIdParam(c: Context): string {
  const id = c.req.param('trace_id') ?? '';
  if (!TRACE_ID.test(id)) throw traceNotFound();
  return id;
}

const request = {
  headers: z.object(apiKeyHeader),
  params: z.object({ trace_id: z.string().openapi({ param: { name: 'trace_id', in: 'path' }, description: '1–128 letters, digits, ".", "_", ":" or "-" (anything else: 404)' }) }),
  query: z.object({
    tenant: z.string().optional().openapi({ param: { name: 'tenant', in: 'query' }, description: "The trace's tenant: required with an auditor or admin session; with an API key, only the key's own tenant" }),
  }),
};
const errors = errorResponses([400, 401, 404, 503], { 400: 'An auditor or admin session named no tenant (TENANT_REQUIRED)' });
const receipt = receiptSchema.openapi('Receipt');

const chainRoute = createRoute({
  method: 'get',
  path: '/v1/receipts/chain/{trace_id}',
  summary: "A trace's receipts in hop order (SPEC §2), as a bare JSON array",
  request,
  responses: { 200: { description: 'The chain: a JSON array of receipts, hop 1 first', content: { 'application/json': { schema: z.array(receipt) } } }, ...errors },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/v1/receipts/export/{trace_id}',
  summary: 'The signed export bundle (SPEC §3, with `log` per §7)',
  request,
  responses: {
    200: {
      description: 'The bundle, as an attachment',
      headers: z.object({
        'X-SIGNET-Response-CID': z.string().openapi({ description: 'bundle_cid (also sent as X-ODIN-Response-CID)' }),
        'X-SIGNET-Signature': z.string().openapi({ description: 'signature (also sent as X-ODIN-Signature)' }),
        'X-SIGNET-KID': z.string().openapi({ description: 'kid (also sent as X-ODIN-KID)' }),
      }),
      content: { 'application/json': { schema: exportBundleSchema.extend({ chain: z.array(receipt) }).openapi('ExportBundle') } },
    },
    ...errors,
  },
});

export function registerReceiptRoutes(app: OpenAPIHono) {
  // The handlers check the key before the trace id, and answer a malformed trace id with 404.
  app.openapi(checkedByHandler(app, chainRoute), async (c) => {
    const tenantId = await tenantFor(c);
    const traceId = traceIdParam(c);
    const chain = await loadChain(tenantId, traceId);
    if (!chain) throw traceNotFound();
    return c.json(chain, 200);
  });

  app.openapi(checkedByHandler(app, exportRoute), async (c) => {
    const tenantId = await tenantFor(c);
    const traceId = traceIdParam(c);
    const bundle = await exportChain(tenantId, traceId);
    if (!bundle) throw traceNotFound();
    await recordExportFetch(tenantId, traceId, c.req.header('user-agent'));
    // The X-ODIN-* spelling is what the guide's existing SDKs read.
    for (const prefix of ['X-SIGNET', 'X-ODIN']) {
      c.header(`${prefix}-Response-CID`, bundle.bundle_cid);
      c.header(`${prefix}-Signature`, bundle.signature);
      c.header(`${prefix}-KID`, bundle.kid);
    }
    c.header('Content-Disposition', `attachment; filename="signet-${traceId}.json"`);
    return c.json(bundle, 200);
  });
}
