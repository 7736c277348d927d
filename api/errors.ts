// The SPEC §4 error envelope, produced in one place for every API route.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from '@/server/db/unavailable';
import { ExchangeError } from '@/server/exchange/errors';
import { LogError } from '@/server/log/errors';
import { UsageProofError } from '@/server/usage-proof/errors';
import { redactSecrets } from '@/server/security/redact';
import { logger } from '@/server/telemetry/logger';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** `detail` repeats the message at the top level: the guide's existing SDKs show that field. */
export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...details }, detail: message };
}

export function errorResponse(c: Context, err: ApiError) {
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
  return c.json(errorBody(err.code, err.message, err.details), err.status);
}

/** The API error a thrown value answers with; anything unexpected is logged and becomes a 500. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ExchangeError) return new ApiError(err.status, err.code, err.message, err.details, err.headers);
  if (isDatabaseUnavailable(err)) {
    logger.warn({ reason: redactSecrets((err instanceof Error ? err.message : String(err)).trim().split('\n').at(-1) ?? '') }, 'database unavailable');
    return new ApiError(503, 'DATABASE_UNAVAILABLE', 'the database is unreachable; retry later with the same idempotency key', undefined, { 'Retry-After': DATABASE_RETRY_AFTER_S });
  }
  if (err instanceof LogError) return new ApiError(err.status, err.code, err.message);
  if (err instanceof UsageProofError) return new ApiError(err.status, err.code, err.message);
  // Unexpected failures never leak internals (or secrets) to the client.
  logger.error({ err }, 'unhandled error');
  return new ApiError(500, 'INTERNAL', 'internal error; nothing was recorded for this request');
}

/** Maps domain refusals (ExchangeError) and API errors to the envelope; anything else is a 500. */
export function handleError(c: Context, err: unknown) {
  return errorResponse(c, toApiError(err));
}
