// Shared OpenAPI pieces: the API key header, the SPEC §4 error envelope (the one schema of an
// error body; its code is one of server/errors.ts's ERROR_CODES), and the two ways a route may
// differ from zod-openapi's defaults while staying declared with createRoute.
import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import { z, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { ERROR_CODES, type ErrorStatus } from '@/server/errors';

export const apiKeyHeader = {
  'X-SIGNET-API-Key': z.string().optional().openapi({ description: 'Your API key (also accepted: X-ODIN-API-Key). Without one: 401 API_KEY_MISSING.' }),
};

export const errorEnvelope = z
  .object({
    error: z.object({ code: z.enum(ERROR_CODES).openapi({ description: 'What went wrong (server/errors.ts lists each with its status).' }), message: z.string() }).passthrough(),
    detail: z.string().openapi({ description: 'The same message as error.message (read by the guide\'s existing SDKs).' }),
  })
  .openapi('Error', {
    example: {
      error: { code: 'INPUT_SCHEMA_INVALID', message: 'payload does not match openai.tooluse.invoice.v1: /tool_calls must NOT have fewer than 1 items' },
      detail: 'payload does not match openai.tooluse.invoice.v1: /tool_calls must NOT have fewer than 1 items',
    },
  });

export type ErrorEnvelope = z.infer<typeof errorEnvelope>;

const DESCRIPTIONS: Partial<Record<ErrorStatus, string>> = {
  400: 'Malformed JSON, invalid request envelope or query, missing idempotency key, or (auditor and admin reads) no tenant named',
  401: 'Missing, unknown, revoked or expired API key (or admin/metrics token)',
  403: 'HEL egress policy denied the forward (HEL_* codes), or not an admin',
  404: 'Not found; for a trace: no such trace for this caller',
  409: 'Chain conflict that could not be resolved',
  413: 'Body over the size limit',
  422: 'Unknown mapping, schema invalid, arguments unrepairable, semantic invariant violated',
  429: 'Rate limit or FU quota exceeded',
  502: 'The LLM fallback provider failed; nothing was recorded',
  503: 'The database is unreachable (DATABASE_UNAVAILABLE, with Retry-After); nothing was recorded',
  504: 'The LLM fallback timed out; nothing was recorded',
};

type ErrorResponse = { description: string; content: { 'application/json': { schema: typeof errorEnvelope } } };

export function errorResponses<S extends ErrorStatus>(statuses: S[], descriptions: Partial<Record<S, string>> = {}): Record<S, ErrorResponse> {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s] ?? DESCRIPTIONS[s] ?? 'Error', content: { 'application/json': { schema: errorEnvelope } } }]),
  ) as Record<S, ErrorResponse>;
}

/**
 * Declares `route` in the document as written and returns it to be served without zod-openapi's
 * request validators; the handler (or the exchange pipeline) checks the request itself. Those
 * validators run before the handler and answer with their own 400 (or 415 for a body's content
 * type), which would change the SPEC's refusals: a caller without a key sending a bad query
 * would get 400 instead of 401 API_KEY_MISSING, a missing Stripe-Signature INVALID_REQUEST
 * instead of WEBHOOK_SIGNATURE_INVALID, a malformed exchange body would lose its INVALID_JSON
 * message, and a repeated query parameter would become an array.
 */
export function checkedByHandler<R extends RouteConfig>(app: OpenAPIHono, route: R): Omit<R, 'request'> & { hide: true } {
  const { middleware: _middleware, hide: _hide, ...documented }: RouteConfig = route;
  app.openAPIRegistry.registerPath(documented);
  const { request: _request, ...served } = route;
  return { ...served, hide: true as const };
}

/**
 * A JSON response whose text was serialized where its value was typed as T (the exchange
 * pipeline's body, a streamed bundle). zod-openapi types a response by the value given to
 * c.json, which a string or a stream does not carry, so the type is stated here, once.
 */
export function serializedJson<T, S extends ContentfulStatusCode>(c: Context, body: string | ReadableStream<Uint8Array>, status: S, headers: Record<string, string>) {
  return c.body(body, status, headers) as unknown as TypedResponse<JSONParsed<T>, S, 'json'>;
}
