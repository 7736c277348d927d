// The SPEC §4 error envelope, produced in one place for every API route.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ExchangeError } from '@/server/exchange/errors';
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

export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...details } };
}

export function errorResponse(c: Context, err: ApiError) {
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
  return c.json(errorBody(err.code, err.message, err.details), err.status);
}

/** The API error a thrown value answers with; anything unexpected is logged and becomes a 500. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ExchangeError) return new ApiError(err.status, err.code, err.message, err.details, err.headers);
  // Unexpected failures never leak internals (or secrets) to the client.
  logger.error({ err }, 'unhandled error');
  return new ApiError(500, 'INTERNAL', 'internal error; nothing was recorded for this request');
}

/** Maps domain refusals (ExchangeError) and API errors to the envelope; anything else is a 500. */
export function handleError(c: Context, err: unknown) {
  return errorResponse(c, toApiError(err));
}
