import { describe, expect, it } from 'vitest';
import { AppError, asAppError, ERROR_CODES, ERRORS, isErrorCode } from './errors';

// tRPC's code for each HTTP status the table uses (431 has no tRPC twin: a bad request).
const TRPC_FOR_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'TIMEOUT',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  431: 'BAD_REQUEST',
  500: 'INTERNAL_SERVER_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

// SPEC §4 names these codes with these statuses; the wire contract keeps them.
const SPEC_CODES = {
  HEL_SCHEME_NOT_HTTPS: 403,
  HEL_HOST_NOT_ALLOWED: 403,
  HEL_RESOLVED_PRIVATE: 403,
  HEL_RESOLVED_LOOPBACK: 403,
  HEL_RESOLVED_LINKLOCAL: 403,
  DATABASE_UNAVAILABLE: 503,
} as const;

describe('the error table', () => {
  it('is total: every code has a status, the matching tRPC code and a message', () => {
    expect(ERROR_CODES).toEqual(Object.keys(ERRORS));
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) {
      const kind = ERRORS[code];
      expect(code).toMatch(/^[A-Z][A-Z_]*[A-Z]$/);
      expect(TRPC_FOR_STATUS[kind.status], `${code}: status ${kind.status}`).toBe(kind.trpc);
      expect(kind.message.trim().length, code).toBeGreaterThan(5);
    }
  });

  it('keeps the codes SPEC §4 names at their statuses', () => {
    for (const [code, status] of Object.entries(SPEC_CODES)) {
      expect(isErrorCode(code), code).toBe(true);
      expect(ERRORS[code as keyof typeof SPEC_CODES].status).toBe(status);
    }
    expect(isErrorCode('NO_SUCH_CODE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('never uses an internal-sounding message for a code a user may see', () => {
    for (const code of ERROR_CODES) expect(ERRORS[code].message, code).not.toMatch(/stack|exception|undefined|null|prisma|sql/i);
  });
});

describe('AppError', () => {
  it('takes status and tRPC code from its code, and the table message when given none', () => {
    const err = new AppError('TRACE_NOT_FOUND');
    expect([err.status, err.trpcCode, err.message, err.name]).toEqual([404, 'NOT_FOUND', 'No such trace.', 'AppError']);
    expect(err.details).toBeUndefined();
    const own = new AppError('RATE_LIMITED', 'slow down', { details: { retry_after_seconds: 2 }, headers: { 'Retry-After': '2' } });
    expect([own.status, own.message, own.details, own.headers]).toEqual([429, 'slow down', { retry_after_seconds: 2 }, { 'Retry-After': '2' }]);
  });

  it('stands for a lost database as DATABASE_UNAVAILABLE with Retry-After, and for nothing else unexpected', () => {
    const lost = Object.assign(new Error('connect ECONNREFUSED /var/run/postgresql/.s.PGSQL.5432'), { code: 'ECONNREFUSED' });
    const known = asAppError(lost);
    expect(known).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503, headers: { 'Retry-After': '2' } });
    expect(known?.cause).toBe(lost);
    const own = new AppError('NOT_FOUND');
    expect(asAppError(own)).toBe(own);
    expect(asAppError(new Error('boom'))).toBeUndefined();
    expect(asAppError('boom')).toBeUndefined();
  });
});
