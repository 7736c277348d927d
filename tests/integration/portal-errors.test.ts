// The portal API's errors as the browser receives them: through the real route handler
// (trpc/fetch-handler.ts), the real formatter and the real procedures.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { AppError, ERROR_CODES, ERRORS } from '@/server/errors';
import { redirectLog } from '@/server/telemetry/logger';
import { handleTrpcRequest } from '@/trpc/fetch-handler';
import { publicProcedure, router } from '@/trpc/init';
import { appRouter } from '@/trpc/root';

const anonymous = async () => ({ principal: null, ip: '198.51.100.7', requestedTenantId: null });

const testRouter = router({
  explode: publicProcedure.mutation(() => {
    throw new Error('could not reach postgresql://signet:hunter2@db/signet');
  }),
  refuse: publicProcedure.mutation(() => {
    throw new AppError('FU_QUOTA_EXCEEDED', 'quota reached', { details: { limit: '400' } });
  }),
});

/** A mutation (POST), or a query (GET) when input is `query`. */
async function call(procedure: string, input: unknown, on: Parameters<typeof handleTrpcRequest>[1] = appRouter, headers: Record<string, string> = {}) {
  const url = `http://portal.test/api/trpc/${procedure}`;
  const req =
    input === 'query'
      ? new Request(url, { headers })
      : new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ json: input }) });
  const res = await handleTrpcRequest(req, on, anonymous);
  const body = (await res.json()) as { error: { json: { message: string; data: Record<string, unknown> } } };
  return { status: res.status, requestId: res.headers.get('x-request-id'), error: body.error.json };
}

let lines: Record<string, unknown>[];
let restore: () => void;
beforeEach(() => {
  lines = [];
  restore = redirectLog({ write: (line: string) => void lines.push(JSON.parse(line)) }, 'info');
});
afterEach(() => restore());

describe('portal errors', () => {
  it('send zod issues as structured data, each with its path, and the first as the message', async () => {
    const res = await call('account.signUp', { name: '', company: 'Acme', email: 'not-an-email', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.error.message).toBe('Your name is required');
    expect(res.error.data).toMatchObject({
      code: 'BAD_REQUEST',
      zodIssues: [
        { path: ['name'], message: 'Your name is required' },
        { path: ['email'], message: 'Enter a valid email address' },
        { path: ['password'], message: 'Password must be at least 10 characters' },
      ],
    });
    expect(lines.filter((l) => l.level === 'error')).toEqual([]); // a refusal is not a failure
  });

  it('map an AppError to its tRPC code and HTTP status with its code and details', async () => {
    const unauthenticated = await call('apiKeys.list', 'query');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.error).toMatchObject({ message: 'Sign in first.', data: { code: 'UNAUTHORIZED', appCode: 'SIGN_IN_REQUIRED' } });
    const refused = await call('refuse', undefined, testRouter);
    expect(refused.status).toBe(429);
    expect(refused.error).toMatchObject({ message: 'quota reached', data: { code: 'TOO_MANY_REQUESTS', appCode: 'FU_QUOTA_EXCEEDED', details: { limit: '400' } } });
  });

  it('answer an internal error with a request id the user sees, and log it with that id and no secret', async () => {
    const res = await call('explode', undefined, testRouter, { 'x-request-id': 'req-portal-1' });
    expect(res.status).toBe(500);
    expect(res.requestId).toBe('req-portal-1');
    expect(res.error.message).toBe('Something went wrong (request id req-portal-1).');
    expect(res.error.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: 'req-portal-1' });
    expect(JSON.stringify(res.error)).not.toContain('postgresql');
    const logged = lines.filter((l) => l.msg === 'portal request failed');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'error', request_id: 'req-portal-1', path: 'explode', type: 'mutation', err: { message: 'could not reach postgresql://signet:[redacted]@db/signet' } });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('name every request, with a new id when the caller sends none', async () => {
    const res = await call('explode', undefined, testRouter);
    expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.error.message).toBe(`Something went wrong (request id ${res.requestId}).`);
    expect(lines.find((l) => l.msg === 'portal request failed')).toMatchObject({ request_id: res.requestId });
  });

  it('use only tRPC codes tRPC knows', () => {
    for (const code of ERROR_CODES) expect(Object.keys(TRPC_ERROR_CODES_BY_KEY), code).toContain(ERRORS[code].trpc);
  });
});
