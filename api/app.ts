// The fast front door: every public API path (/v1/*, /.well-known/*, /healthz, /readyz, /metrics,
// /openapi.json) is served by this Hono app, in the same process as Next but without Next's
// per-request routing cost. Route files are thin: parse, call a domain function, map to HTTP.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { routePath } from 'hono/route';
import type { ExchangeDeps, ExchangeFacts } from '@/server/exchange/pipeline';
import { requestIdOf } from '@/server/telemetry/request-id';
import { traceIdOf } from '@/server/telemetry/tracing';
import { errorBody, handleError } from './errors';
import { recordRequest } from './request-log';
import { registerAdminRoutes } from './routes/admin';
import { registerBillingRoutes } from './routes/billing';
import { registerExchangeRoutes } from './routes/exchange';
import { registerLogRoutes } from './routes/log';
import { registerReceiptRoutes } from './routes/receipts';
import { registerStripeWebhookRoute } from './routes/stripe-webhook';
import { registerSystemRoutes } from './routes/system';

declare module 'hono' {
  interface ContextVariableMap {
    /** What the exchange route learns, for the request log. */
    exchangeFacts: ExchangeFacts;
  }
}

export interface ApiOptions {
  exchange: ExchangeDeps;
  maxBodyBytes: number;
  health?: () => Record<string, unknown>;
  /** Bearer token GET /metrics requires (SP_METRICS_TOKEN); open when null. */
  metricsToken?: string | null;
}

export function createApiApp(opts: ApiOptions) {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        return c.json(errorBody('INVALID_REQUEST', issue ? `${issue.path.join('.') || 'request'}: ${issue.message}` : 'invalid request'), 400);
      }
    },
  });

  app.use('*', async (c, next) => {
    const startedAt = performance.now();
    const requestId = requestIdOf(c.req.header('x-request-id'));
    const facts: ExchangeFacts = {};
    c.set('exchangeFacts', facts);
    await next();
    c.header('X-Request-Id', requestId);
    const route = routePath(c, -1);
    recordRequest({
      requestId,
      method: c.req.method,
      route: route.endsWith('*') ? 'unmatched' : route,
      status: c.res.status,
      startedAt,
      tenant: facts.tenant,
      signetTraceId: facts.traceId,
      traceId: facts.otelTraceId ?? traceIdOf(c.req.header('traceparent')),
    });
  });
  app.onError((err, c) => handleError(c, err));
  app.notFound((c) => c.json(errorBody('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), 404));

  registerSystemRoutes(app, { health: opts.health ?? (() => ({})), metricsToken: opts.metricsToken ?? null });
  registerExchangeRoutes(app, opts.exchange, opts.maxBodyBytes);
  registerReceiptRoutes(app);
  registerLogRoutes(app);
  registerBillingRoutes(app);
  registerStripeWebhookRoute(app);
  registerAdminRoutes(app);

  registerDocumentRoute(app);
  return app;
}

const documentRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'This document: every route of the API, its request and its responses (OpenAPI 3.1)',
  responses: { 200: { description: 'The OpenAPI document', content: { 'application/json': { schema: z.object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }).passthrough() }).passthrough() } } } },
});

/** The document describes itself too, so that every route the app serves is in it. Built once: routes do not change after start. */
function registerDocumentRoute(app: OpenAPIHono) {
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.openapi(documentRoute, (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Signet API',
        version: '1',
        description: 'Verified AI-to-AI exchanges with signed, hash-linked receipts. Contract: SPEC.md.',
      },
    });
    return c.json(document, 200);
  });
}

export const API_PATH = /^\/(v1\/|\.well-known\/|healthz$|readyz$|metrics$|openapi\.json$)/;
