// Public system routes: liveness, JWKS, Prometheus metrics.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import { getDatabase } from '@/server/db';
import { jwks } from '@/server/keys/signing-keys';
import { registry } from '@/server/metrics/registry';
import { VERSION } from '@/server/version';

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness and database reachability',
  responses: {
    200: { description: 'Healthy', content: { 'application/json': { schema: z.object({ status: z.literal('ok'), version: z.string(), database: z.object({ kind: z.string(), reachable: z.boolean() }) }).passthrough() } } },
    503: { description: 'Database unreachable', content: { 'application/json': { schema: z.object({ status: z.literal('unavailable') }).passthrough() } } },
  },
});

const jwksRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  summary: 'Public Ed25519 keys (active and retired) that verify receipts and bundles',
  responses: {
    200: {
      description: 'JWKS',
      content: {
        'application/json': {
          schema: z.object({ keys: z.array(z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), kid: z.string(), use: z.literal('sig'), alg: z.literal('EdDSA') })) }),
        },
      },
    },
  },
});

export function registerSystemRoutes(app: OpenAPIHono, extraHealth: () => Record<string, unknown>) {
  app.openapi(healthRoute, async (c) => {
    const db = getDatabase();
    const reachable = await Promise.race([
      db.sql.query('SELECT 1').then(() => true, () => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
    ]);
    const body = { version: VERSION, database: { kind: db.kind, reachable }, ...extraHealth() };
    return reachable ? c.json({ status: 'ok' as const, ...body }, 200) : c.json({ status: 'unavailable' as const, ...body }, 503);
  });

  app.openapi(jwksRoute, async (c) => {
    c.header('Cache-Control', 'public, max-age=60');
    return c.json(await jwks(), 200);
  });

  app.get('/metrics', async (c) => {
    c.header('Content-Type', registry.contentType);
    return c.body(await registry.metrics());
  });

  /** The floor for the benchmark: same process and router, no work. */
  app.get('/v1/ping', (c) => c.json({ ok: true }));
}
