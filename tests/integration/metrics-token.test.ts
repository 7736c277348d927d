// GET /metrics behind SP_METRICS_TOKEN: open without it; with it, only `Authorization: Bearer
// <token>` reads the metrics, under the guide's names and labels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

const invoice = {
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-M","amount":5,"currency":"USD"}' } }] },
};

describe('/metrics with SP_METRICS_TOKEN set', () => {
  const token = 'metrics-secret-0123456789';
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({}, 1_048_576, { metricsToken: token });
    const key = await api.tenantWithKey('metered');
    expect((await api.exchange(key, invoice)).status).toBe(200);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses a request without the token or with a wrong one (401, SPEC envelope, WWW-Authenticate)', async () => {
    for (const [headers, code] of [
      [{}, 'METRICS_TOKEN_REQUIRED'],
      [{ authorization: 'Bearer wrong-token' }, 'METRICS_TOKEN_INVALID'],
      [{ authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` }, 'METRICS_TOKEN_REQUIRED'],
    ] as const) {
      const res = await fetch(`${api.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = await res.text();
      expect(JSON.parse(body).error.code).toBe(code);
      expect(body).not.toContain('signet_exchanges_total');
    }
  });

  it('serves the metrics with the bearer token, names and labels unchanged', async () => {
    const res = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/signet_exchanges_total\{tenant="metered",api_key="sk_live_[0-9a-f]{8}"\} [1-9]/);
    expect(text).toContain('signet_exchange_duration_seconds_bucket{le=');
    expect(text).toMatch(/phase="total"/);
  });
});

describe('/metrics without SP_METRICS_TOKEN', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('stays open, as the guide ships it', async () => {
    const res = await fetch(`${api.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('signet_exchange_duration_seconds');
  });
});
