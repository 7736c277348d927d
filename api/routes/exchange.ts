// POST /v1/exchange: read the raw body (bounded), run the pipeline, return its bytes.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { runExchange, type ExchangeCall, type ExchangeDeps, type ExchangeFacts, type ExchangeResponse } from '@/server/exchange/pipeline';
import { exchangeRequestSchema } from '@/server/exchange/request';
import { AppError } from '@/server/errors';
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
        throw bodyTooLarge(maxBodyBytes);
      },
    }),
    async (c) => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const reply = exchangeReply(await runExchange(exchangeCall((name) => c.req.header(name), body, c.get('exchangeFacts')), deps));
      return c.body(reply.body, 200, reply.headers);
    },
  );
}

/** The pipeline's input from the request's headers and raw body. */
export function exchangeCall(header: (name: string) => string | undefined, body: Uint8Array, facts: ExchangeFacts): ExchangeCall {
  const traceparent = header('traceparent');
  const tracestate = header('tracestate');
  return {
    apiKey: header('x-signet-api-key') ?? header('x-odin-api-key'),
    idempotencyKey: header('x-signet-idempotency-key') ?? header('x-odin-idempotency-key'),
    body,
    ...(traceparent !== undefined && { traceContext: { traceparent, ...(tracestate !== undefined && { tracestate }) } }),
    facts,
  };
}

/** The headers and body of a successful exchange (a replay is marked). */
export function exchangeReply(result: ExchangeResponse): { headers: Record<string, string>; body: string } {
  return {
    headers: { 'Content-Type': 'application/json', 'X-SIGNET-Trace': result.traceId, ...(result.replay && { 'X-SIGNET-Idempotency-Hit': '1' }) },
    body: result.body,
  };
}

export function bodyTooLarge(maxBodyBytes: number): AppError {
  // The rest of the body is never read, so the connection cannot be reused.
  return new AppError('PAYLOAD_TOO_LARGE', `request body exceeds ${maxBodyBytes} bytes`, { headers: { Connection: 'close' } });
}
