// The API's error mapping (api/errors.ts): an AppError answers with its code's status and the
// SPEC §4 envelope; the OpenAPI document lists every code the API can send.
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiApp } from '@/api/app';
import { handleError } from '@/api/errors';
import { AppError, ERROR_CODES } from '@/server/errors';
import { loadRegistry } from '@/server/mappings/registry';
import { redirectLog } from '@/server/telemetry/logger';

function appThrowing(err: unknown) {
  const app = new Hono();
  app.onError((e, c) => handleError(c, e));
  app.get('/x', () => {
    throw err;
  });
  return app;
}

let lines: Record<string, unknown>[];
let restore: () => void;
beforeEach(() => {
  lines = [];
  restore = redirectLog({ write: (line: string) => void lines.push(JSON.parse(line)) }, 'info');
});
afterEach(() => restore());

describe('API errors', () => {
  it('answer an AppError with its status, headers and the envelope, details beside code and message', async () => {
    const res = await appThrowing(new AppError('RATE_LIMITED', 'slow down', { details: { retry_after_seconds: 2 }, headers: { 'Retry-After': '2' } })).request('/x');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.text()).toBe('{"error":{"code":"RATE_LIMITED","message":"slow down","retry_after_seconds":2},"detail":"slow down"}');
    const plain = await appThrowing(new AppError('TRACE_NOT_FOUND')).request('/x');
    expect([plain.status, await plain.json()]).toEqual([404, { error: { code: 'TRACE_NOT_FOUND', message: 'No such trace.' }, detail: 'No such trace.' }]);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('answer a lost database with 503 DATABASE_UNAVAILABLE and Retry-After, anything else with a logged 500', async () => {
    const lost = await appThrowing(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).request('/x');
    expect([lost.status, lost.headers.get('retry-after'), (await lost.json()).error.code]).toEqual([503, '2', 'DATABASE_UNAVAILABLE']);
    const failed = await appThrowing(new Error('token sk_live_0a1b2c3d_c2VjcmV0c2VjcmV0 rejected')).request('/x');
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error; nothing was recorded for this request' }, detail: 'internal error; nothing was recorded for this request' });
    expect(lines.map((l) => l.msg)).toEqual(['database unavailable', 'unhandled error']);
    expect(JSON.stringify(lines)).not.toContain('c2VjcmV0c2VjcmV0');
  });

  describe('of the real app', () => {
    const app = createApiApp({ exchange: { registry: loadRegistry({ pseudonymKey: 'k' }), maxJsonDepth: 64 }, maxBodyBytes: 1 << 20 });

    it('come from routes and the not-found handler in the same envelope', async () => {
      const tile = await app.request('/v1/log/tile/nonsense');
      expect([tile.status, (await tile.json()).error.code]).toEqual([400, 'INVALID_REQUEST']);
      const missing = await app.request('/v1/no-such-route');
      expect(await missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /v1/no-such-route' }, detail: 'no route GET /v1/no-such-route' });
    });

    it('are documented: the OpenAPI error body lists every code as an enum', async () => {
      const doc = await (await app.request('/openapi.json')).json();
      const error = doc.components.schemas.Error.properties.error.properties.code;
      expect(error.enum).toEqual(ERROR_CODES);
    });
  });
});
