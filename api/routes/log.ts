// The transparency log's public routes (SPEC §7): no authentication, cache headers as C2SP
// tlog-tiles prescribes (full tiles immutable, the checkpoint and partial tiles short-lived).
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { compress } from 'hono/compress';
import { consistency, inclusion, logVkey, servedCheckpoint, tileBytes } from '@/server/log/service';
import { parseTilePath } from '@/server/transparency/tiles';
import { AppError } from '@/server/errors';
import { checkedByHandler, errorResponses } from '../openapi';

const SHORT = 'public, max-age=1, must-revalidate';
const IMMUTABLE = 'public, max-age=31536000, immutable';

const size = (name: string) =>
  z
    .string()
    .regex(/^(0|[1-9]\d{0,15})$/, 'must be a decimal tree size')
    .transform(Number)
    .refine(Number.isSafeInteger, 'is too large')
    .openapi({ param: { name, in: 'query' }, type: 'integer' });

const inclusionRoute = createRoute({
  method: 'get',
  path: '/v1/log/proof/inclusion',
  summary: "A receipt's RFC 9162 inclusion proof against the newest checkpoint or the one of size tree_size",
  request: {
    query: z.object({
      receipt_hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be 'sha256:<64 hex>'").openapi({ param: { name: 'receipt_hash', in: 'query' } }),
      tree_size: size('tree_size').optional(),
    }),
  },
  responses: {
    200: {
      description: 'The proof',
      content: { 'application/json': { schema: z.object({ leaf_index: z.number().int(), tree_size: z.number().int(), hashes: z.array(z.string()), checkpoint: z.string() }) } },
    },
    ...errorResponses([400, 404, 503]),
  },
});

const consistencyRoute = createRoute({
  method: 'get',
  path: '/v1/log/proof/consistency',
  summary: 'The RFC 9162 consistency proof between two tree sizes',
  request: { query: z.object({ from: size('from'), to: size('to') }) },
  responses: {
    200: { description: 'The proof', content: { 'application/json': { schema: z.object({ from: z.number().int(), to: z.number().int(), hashes: z.array(z.string()) }) } } },
    ...errorResponses([400, 404, 503]),
  },
});

const checkpointRoute = createRoute({
  method: 'get',
  path: '/v1/log/checkpoint',
  summary: 'The newest signed checkpoint (C2SP tlog-checkpoint) with the witness cosignatures collected for it',
  responses: { 200: { description: 'A signed note', content: { 'text/plain': { schema: z.string() } } }, ...errorResponses([404, 503], { 404: 'The log has no checkpoint yet' }) },
});

const keyRoute = createRoute({
  method: 'get',
  path: '/v1/log/key',
  summary: "The log's verifier key (note vkey)",
  responses: { 200: { description: 'A vkey line', content: { 'text/plain': { schema: z.string() } } }, ...errorResponses([404, 503], { 404: 'The log has not started' }) },
});

const tileRoute = createRoute({
  method: 'get',
  path: '/v1/log/tile/{path}',
  summary: 'C2SP tlog-tiles hash tiles (<L>/<N>[.p/<W>]) and entry bundles (entries/<N>[.p/<W>])',
  request: {
    params: z.object({
      path: z.string().openapi({ param: { name: 'path', in: 'path' }, description: 'The rest of the tile path, slashes included, e.g. `0/x001/234.p/5` or `entries/000`' }),
    }),
  },
  responses: {
    200: { description: 'Tile bytes (entry bundles gzip-encoded when the client accepts it)', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...errorResponses([400, 404, 503], { 404: 'No such tile (beyond the tree, or not stored)' }),
  },
});
// A tile path spans several segments, which an OpenAPI path template cannot say; Hono's router
// is told so with a regular-expression parameter.
const TILE_ROUTING_PATH = '/v1/log/tile/{path{.+}}';

export function registerLogRoutes(app: OpenAPIHono) {
  app.openapi(checkpointRoute, async (c) => c.text(await servedCheckpoint(), 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': SHORT }));

  app.openapi(keyRoute, async (c) => c.text(`${await logVkey()}\n`, 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));

  app.use('/v1/log/tile/entries/*', compress({ encoding: 'gzip' }));
  app.openapi({ ...checkedByHandler(app, tileRoute), path: TILE_ROUTING_PATH }, async (c) => {
    const at = parseTilePath(c.req.path.slice('/v1/log/tile/'.length));
    if (!at) throw new AppError('INVALID_REQUEST', 'not a tlog-tiles path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]');
    const bytes = await tileBytes(at);
    c.header('Content-Type', 'application/octet-stream');
    c.header('Cache-Control', at.width === undefined ? IMMUTABLE : SHORT);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200);
  });

  app.openapi(inclusionRoute, async (c) => {
    const q = c.req.valid('query');
    return c.json(await inclusion(q.receipt_hash, q.tree_size), 200);
  });

  app.openapi(consistencyRoute, async (c) => {
    const q = c.req.valid('query');
    return c.json(await consistency(q.from, q.to), 200);
  });
}
