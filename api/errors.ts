// The SPEC §4 error envelope, produced in one place for every API route: an AppError answers
// with its code's status and its message; anything else is logged and becomes a 500.
import type { Context } from 'hono';
import { AppError, asAppError, type ErrorCode } from '@/server/errors';
import { redactSecrets } from '@/server/security/redact';
import { logger } from '@/server/telemetry/logger';
import type { ErrorEnvelope } from './openapi';

/** `detail` repeats the message at the top level: the guide's existing SDKs show that field. Typed as the documented envelope. */
export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorEnvelope {
  return { error: { code, message, ...details }, detail: message };
}

export function errorResponse(c: Context, err: AppError) {
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
  return c.json(errorBody(err.code, err.message, err.details), err.status);
}

/** The AppError a thrown value answers with; anything unexpected is logged and becomes INTERNAL. */
export function toApiError(err: unknown): AppError {
  const known = asAppError(err);
  if (known?.code === 'DATABASE_UNAVAILABLE' && known !== err) {
    logger.warn({ reason: redactSecrets((err instanceof Error ? err.message : String(err)).trim().split('\n').at(-1) ?? '') }, 'database unavailable');
  }
  if (known) return known;
  // Unexpected failures never leak internals (or secrets) to the client.
  logger.error({ err }, 'unhandled error');
  return new AppError('INTERNAL');
}

export function handleError(c: Context, err: unknown) {
  return errorResponse(c, toApiError(err));
}
