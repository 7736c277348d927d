// /healthz: liveness with database reachability and the version; 503 once the database is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close().catch(() => {}); // the database was closed by the test
});

describe('/healthz', () => {
  it('answers 200 with the database kind, reachability and version', async () => {
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', version: expect.any(String), database: { kind: api.db.kind, reachable: true } });
  });

  it('answers 503 when the database is unreachable', async () => {
    await api.db.close();
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', database: { reachable: false } });
  });
});
