// Reading chains: the owning tenant's API keys, or an auditor/admin portal session naming the
// tenant (`?tenant=`; a chain is (tenant, trace_id), SPEC §2). Anyone else gets 404, never 403,
// so trace ids do not leak.
import type { Context } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { AUTH_FAILURE_CODES, authenticateApiKey } from '@/server/apikeys/authenticate';
import { exportChain, loadChain, recordExportFetch } from '@/server/chains/repository';
import { AppError } from '@/server/errors';
import { errorResponses } from '../openapi';
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

export function registerReceiptRoutes(app: OpenAPIHono) {
  const params = z.object({ trace_id: z.string().openapi({ param: { name: 'trace_id', in: 'path' } }) });
  const query = z.object({
    tenant: z.string().optional().openapi({ param: { name: 'tenant', in: 'query' }, description: "The trace's tenant: required with an auditor or admin session; with an API key, only the key's own tenant" }),
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/receipts/chain/{trace_id}',
    summary: "A trace's receipts in hop order (SPEC §2), as a bare JSON array",
    request: { params, query },
    responses: { 200: { description: 'The chain: a JSON array of receipts, hop 1 first', content: { 'application/json': { schema: z.array(z.record(z.string(), z.unknown())) } } }, ...errorResponses([400, 401, 404]) },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/receipts/export/{trace_id}',
    summary: 'The signed export bundle (SPEC §3), with X-SIGNET-Response-CID, X-SIGNET-Signature and X-SIGNET-KID headers (and the same as X-ODIN-*)',
    request: { params, query },
    responses: { 200: { description: 'The bundle', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } }, ...errorResponses([400, 401, 404]) },
  });

  app.get('/v1/receipts/chain/:trace_id', async (c) => {
    const tenantId = await tenantFor(c);
    const traceId = traceIdParam(c);
    const chain = await loadChain(tenantId, traceId);
    if (!chain) throw traceNotFound();
    return c.json(chain);
  });

  app.get('/v1/receipts/export/:trace_id', async (c) => {
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
    return c.json(bundle);
  });
}
