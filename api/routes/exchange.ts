// POST /v1/exchange: read the raw body (bounded), run the pipeline, return its bytes.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { runExchange, type ExchangeCall, type ExchangeDeps, type ExchangeFacts, type ExchangeResponse } from '@/server/exchange/pipeline';
import { exchangeRequestSchema } from '@/server/exchange/request';
import { exchangeResponseSchema, type ExchangeResponseBody } from '@/server/receipts/wire-schema';
import { AppError } from '@/server/errors';
import { apiKeyHeader, checkedByHandler, errorResponses, serializedJson } from '../openapi';

export function registerExchangeRoutes(app: OpenAPIHono, deps: ExchangeDeps, maxBodyBytes: number) {
  const examples = Object.fromEntries(
    deps.registry.examples().map((e) => [e.name.replace(/[^A-Za-z0-9]+/g, '_'), { summary: e.description, value: { payload_type: e.payloadType, target_type: e.targetType, payload: e.payload } }]),
  );
  // Servers answer this route on Node's request directly (api/listener.ts); this declaration
  // documents it and serves app.request() in tests. Either way the pipeline validates the body.
  const route = createRoute({
    method: 'post',
    path: '/v1/exchange',
    summary: 'Validate, repair, map, (optionally) forward a tool call, and return its signed receipt',
    description: 'The body is read strictly (UTF-8, bounded nesting, exact numbers) and refused with the codes of SPEC §4: INVALID_JSON, INVALID_REQUEST, INVALID_UNICODE.',
    middleware: bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw bodyTooLarge(maxBodyBytes);
      },
    }),
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
        headers: z.object({
          'X-SIGNET-Trace': z.string().openapi({ description: 'The trace id' }),
          'X-SIGNET-Idempotency-Hit': z.literal('1').optional().openapi({ description: 'Present on a replay of a stored response' }),
        }),
        content: { 'application/json': { schema: exchangeResponseSchema.openapi('ExchangeResponse') } },
      },
      ...errorResponses([400, 401, 403, 409, 413, 422, 429, 502, 503, 504], {
        503: 'The database (DATABASE_UNAVAILABLE, with Retry-After) or the LLM fallback (FALLBACK_UNAVAILABLE) is unavailable; nothing was recorded',
      }),
    },
  });

  app.openapi(checkedByHandler(app, route), async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    const reply = exchangeReply(await runExchange(exchangeCall((name) => c.req.header(name), body, c.get('exchangeFacts')), deps));
    return serializedJson<ExchangeResponseBody, 200>(c, reply.body, 200, reply.headers);
  });
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
