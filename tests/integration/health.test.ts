// /healthz (liveness: 200 while the process serves, database reachability in the body) and
// /readyz (readiness: 200 when the database answers, 503 with Retry-After once it is gone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATH } from '@/api/app';
import { startTestApi, type TestApi } from '../support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close().catch(() => {}); // the database was closed by the test
});

describe('/healthz and /readyz', () => {
  it('answer 200 with the database kind, reachability and version', async () => {
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', version: expect.any(String), database: { kind: api.db.kind, reachable: true } });
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: { kind: api.db.kind, reachable: true } });
  });

  it('are served by the API layer, not by Next', () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(API_PATH.test(path), path).toBe(true);
  });

  it('once the database is unreachable: liveness stays 200, readiness answers 503', async () => {
    await api.db.close();
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: { reachable: false } });
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', database: { reachable: false } });
  });
});
