// POST /v1/exchange: read the raw body (bounded), run the pipeline, return its bytes.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { runExchange, type ExchangeDeps } from '@/server/exchange/pipeline';
import { exchangeRequestSchema } from '@/server/exchange/request';
import { ApiError } from '../errors';
import { apiKeyHeader, errorResponses } from '../openapi';

export function registerExchangeRoutes(app: OpenAPIHono, deps: ExchangeDeps, maxBodyBytes: number) {
  const examples = Object.fromEntries(
    deps.registry.examples().map((e) => [e.name.replace(/[^A-Za-z0-9]+/g, '_'), { summary: e.description, value: { payload_type: e.payloadType, target_type: e.targetType, payload: e.payload } }]),
  );
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/exchange',
    summary: 'Validate, repair, map, (optionally) forward a tool call, and return its signed receipt',
    request: {
      headers: z.object({
        ...apiKeyHeader,
        'X-SIGNET-Idempotency-Key': z.string().openapi({ description: 'Required. A replay with the same key returns the stored response (also accepted: X-ODIN-Idempotency-Key).' }),
      }),
      body: { required: true, content: { 'application/json': { schema: exchangeRequestSchema, examples } } },
    },
    responses: {
      200: {
        description: 'A verified exchange (one VEx). Header X-SIGNET-Trace carries the trace id; X-SIGNET-Idempotency-Hit: 1 marks a replay.',
        content: {
          'application/json': {
            schema: z.object({
              trace_id: z.string(),
              normalized: z.unknown(),
              policy: z.object({ engine: z.literal('HEL'), allowed: z.boolean(), reason: z.enum(['ok', 'no_forward']) }),
              receipt: z.object({ ts: z.string(), cid: z.string(), receipt_hash: z.string(), prev_receipt_hash: z.string().nullable(), hop: z.number().int(), kid: z.string(), sig: z.string() }),
              forwarded: z.record(z.string(), z.unknown()).optional(),
            }),
          },
        },
      },
      ...errorResponses([400, 401, 403, 409, 413, 422, 429]),
    },
  });

  app.post(
    '/v1/exchange',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        // The rest of the body is never read, so the connection cannot be reused.
        throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${maxBodyBytes} bytes`, undefined, { Connection: 'close' });
      },
    }),
    async (c) => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const result = await runExchange(
        {
          apiKey: c.req.header('x-signet-api-key') ?? c.req.header('x-odin-api-key'),
          idempotencyKey: c.req.header('x-signet-idempotency-key') ?? c.req.header('x-odin-idempotency-key'),
          body,
        },
        deps,
      );
      c.header('X-SIGNET-Trace', result.traceId);
      if (result.replay) c.header('X-SIGNET-Idempotency-Hit', '1');
      c.header('Content-Type', 'application/json');
      return c.body(result.body, 200);
    },
  );
}
