// System routes: liveness, readiness, JWKS, Prometheus metrics (behind SP_METRICS_TOKEN when set).
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { getDatabase } from '@/server/db';
import { DATABASE_RETRY_AFTER_S } from '@/server/db/unavailable';
import { servedJwks } from '@/server/keys/signing-keys';
import { registry } from '@/server/metrics/registry';
import { sameSecret } from '@/server/security/same-secret';
import { jwksSchema } from '@/server/receipts/wire-schema';
import { VERSION } from '@/server/version';
import { AppError } from '@/server/errors';
import { errorResponses } from '../openapi';

const databaseStatus = z.object({ kind: z.string(), reachable: z.boolean() });

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness: 200 while the process serves, with database reachability in the body',
  responses: {
    200: { description: 'Serving', content: { 'application/json': { schema: z.object({ status: z.literal('ok'), version: z.string(), database: databaseStatus }).passthrough() } } },
  },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: 200 when the database answers, 503 otherwise (drain this instance)',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: z.object({ status: z.literal('ready'), database: databaseStatus }) } } },
    503: { description: 'Database unreachable', content: { 'application/json': { schema: z.object({ status: z.literal('unavailable'), database: databaseStatus }) } } },
  },
});

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus text format; needs `Authorization: Bearer <SP_METRICS_TOKEN>` when that is set',
  responses: {
    200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
    ...errorResponses([401]),
  },
});

/** Whether the database answers a trivial query within two seconds. */
async function probeDatabase(): Promise<{ kind: string; reachable: boolean }> {
  const db = getDatabase();
  const reachable = await Promise.race([
    db.sql.query('SELECT 1').then(() => true, () => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
  ]);
  return { kind: db.kind, reachable };
}

/** If-None-Match (RFC 9110 §13.1.2): weak comparison, any listed tag or `*`. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

const jwksRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  summary: 'Public Ed25519 keys (active and retired) that verify receipts and bundles',
  responses: {
    200: {
      description: 'JWKS (with a strong ETag; Cache-Control public, max-age=60)',
      content: {
        'application/json': { schema: jwksSchema.openapi('Jwks') },
      },
    },
    304: { description: 'Not modified: If-None-Match names the current ETag' },
  },
});

const pingRoute = createRoute({
  method: 'get',
  path: '/v1/ping',
  summary: 'No work: the floor the benchmark measures the API against (same process and router)',
  responses: { 200: { description: 'Pong', content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } } } },
});

export interface SystemOptions {
  health: () => Record<string, unknown>;
  metricsToken: string | null;
}

export function registerSystemRoutes(app: OpenAPIHono, opts: SystemOptions) {
  app.openapi(healthRoute, async (c) => c.json({ status: 'ok' as const, version: VERSION, database: await probeDatabase(), ...opts.health() }, 200));

  app.openapi(readyRoute, async (c) => {
    const database = await probeDatabase();
    if (database.reachable) return c.json({ status: 'ready' as const, database }, 200);
    c.header('Retry-After', DATABASE_RETRY_AFTER_S);
    return c.json({ status: 'unavailable' as const, database }, 503);
  });

  app.openapi(jwksRoute, async (c) => {
    const { body, etag } = await servedJwks();
    const headers = { ETag: etag, 'Cache-Control': 'public, max-age=60, must-revalidate' };
    if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
    return c.body(body, 200, { ...headers, 'Content-Type': 'application/json' });
  });

  app.openapi(metricsRoute, async (c) => {
    if (opts.metricsToken) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      if (!bearer || !sameSecret(bearer, opts.metricsToken)) {
        throw new AppError(bearer ? 'METRICS_TOKEN_INVALID' : 'METRICS_TOKEN_REQUIRED', 'send Authorization: Bearer <SP_METRICS_TOKEN>', { headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' } });
      }
    }
    return c.text(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });

  app.openapi(pingRoute, (c) => c.json({ ok: true as const }, 200));
}
