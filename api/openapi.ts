// Shared OpenAPI pieces: the API key header and the SPEC §4 error envelope (the one schema of
// an error body; its code is one of server/errors.ts's ERROR_CODES).
import { z } from '@hono/zod-openapi';
import { ERROR_CODES } from '@/server/errors';

export const apiKeyHeader = {
  'X-SIGNET-API-Key': z.string().openapi({ description: 'Your API key (also accepted: X-ODIN-API-Key).' }),
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

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON, invalid request envelope, missing idempotency key, or (auditor and admin reads) no tenant named',
  401: 'Missing, unknown, revoked or expired API key',
  403: 'HEL egress policy denied the forward (HEL_* codes)',
  404: 'No such trace for this caller',
  409: 'Chain conflict that could not be resolved',
  413: 'Body over the size limit',
  422: 'Unknown mapping, schema invalid, arguments unrepairable, semantic invariant violated',
  429: 'Rate limit or FU quota exceeded',
};

export function errorResponses(statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: DESCRIPTIONS[s] ?? 'Error', content: { 'application/json': { schema: errorEnvelope } } }]),
  );
}
