// OpenTelemetry end to end: with OTEL_EXPORTER_OTLP_ENDPOINT set, an exchange exports one span
// per pipeline phase, the group commit and the forward to a local OTLP/HTTP receiver (the
// exporter's JSON encoding, decoded here), continues the caller's W3C traceparent, hands the
// forward's span to the receiver in its own traceparent, and its request-log line carries the
// OpenTelemetry trace id next to Signet's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, startHttpsServer, type LocalServer } from '@/server/egress/testing/tls';
import { redirectLog } from '@/server/telemetry/logger';
import { loadConfig } from '@/server/config';
import { startTracing, type Tracing } from '@/server/telemetry/otlp';
import { startTestApi, type TestApi } from '../support/api';

const PUBLIC_IP = '93.184.216.34';
const financeDemo = {
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-OT","amount":1000,"currency":"USD"}' } }] },
};
const PHASES = ['auth', 'sanitize', 'validate_input', 'repair', 'transform', 'validate_output', 'invariants', 'policy', 'forward', 'receipt', 'usage'];

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number; message?: string };
  attributes?: { key: string; value: Record<string, unknown> }[];
}

const exported: OtlpSpan[] = [];
let otlp: Server;
let tracing: Tracing;
let api: TestApi;
let receiver: LocalServer;
let key: string;
const logLines: string[] = [];
let restoreLog: () => void;

function attr(span: OtlpSpan, key: string): unknown {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value && Object.values(value)[0];
}

beforeAll(async () => {
  // The OTLP/HTTP trace endpoint: POST /v1/traces with an ExportTraceServiceRequest in JSON.
  otlp = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      expect(req.url).toBe('/v1/traces');
      expect(req.headers['content-type']).toBe('application/json');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans) {
        expect(rs.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'signet' } });
        for (const ss of rs.scopeSpans) exported.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => otlp.listen(0, '127.0.0.1', resolve));
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(otlp.address() as AddressInfo).port}`;
  // The exporter itself reads OTEL_EXPORTER_OTLP_ENDPOINT; Signet's configuration turns tracing on.
  tracing = startTracing(loadConfig().otlpEndpoint)!;

  const pki = createTestPki(['bank-api.example.com']);
  receiver = await startHttpsServer(pki, (_req, res) => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end('{"accepted":true}');
  });
  api = await startTestApi({
    resolver: async () => [PUBLIC_IP],
    forwardOptions: { ca: pki.ca, connectAddress: (ip) => (ip === PUBLIC_IP ? '127.0.0.1' : ip) },
  });
  key = await api.tenantWithKey('traced', { allowlist: [`bank-api.example.com:${receiver.port}`] });
  restoreLog = redirectLog({ write: (line: string) => void logLines.push(line) }, 'info');
});
afterAll(async () => {
  restoreLog?.();
  await api?.close();
  await receiver?.close();
  await tracing?.shutdown();
  await new Promise((resolve) => otlp?.close(resolve));
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
});

async function spansOf(traceId: string, atLeast: number): Promise<OtlpSpan[]> {
  for (let i = 0; i < 50; i++) {
    await tracing.flush();
    const spans = exported.filter((s) => s.traceId === traceId);
    if (spans.length >= atLeast) return spans;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`fewer than ${atLeast} spans exported for ${traceId}`);
}

describe('OpenTelemetry tracing', () => {
  it("continues the caller's trace: one span per phase, the group commit and the forward, and the receiver's traceparent", async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const url = `https://bank-api.example.com:${receiver.port}/invoices`;
    const res = await api.exchange(key, { ...financeDemo, forward_url: url }, undefined, { traceparent: `00-${callerTrace}-${callerSpan}-01`, tracestate: 'vendor=1' });
    expect(res.status).toBe(200);
    const body = await res.json();

    const spans = await spansOf(callerTrace, PHASES.length + 3);
    const byName = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };
    const root = byName('exchange');
    expect(root.parentSpanId).toBe(callerSpan);
    expect(root.kind).toBe(2); // SERVER
    expect(attr(root, 'signet.trace_id')).toBe(body.trace_id);
    expect(attr(root, 'signet.tenant')).toBe('traced');
    for (const phase of PHASES) expect(byName(phase).parentSpanId, phase).toBe(root.spanId);

    const commit = byName('group_commit');
    expect(commit.parentSpanId).toBe(byName('receipt').spanId);
    expect(commit.kind).toBe(3); // CLIENT
    expect(attr(commit, 'db.operation.name')).toBe('signet_append_exchanges');
    expect(Number(attr(commit, 'db.operation.batch.size'))).toBeGreaterThanOrEqual(1);

    const post = byName('POST');
    expect(post.parentSpanId).toBe(byName('forward').spanId);
    expect(post.kind).toBe(3);
    expect(Number(attr(post, 'http.response.status_code'))).toBe(201);
    expect(attr(post, 'server.address')).toBe('bank-api.example.com');

    const delivered = receiver.requests.at(-1)!;
    expect(delivered.headers.traceparent).toBe(`00-${callerTrace}-${post.spanId}-01`);
    expect(delivered.headers.tracestate).toBe('vendor=1');

    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.signet_trace_id === body.trace_id);
    expect(line).toMatchObject({ msg: 'request', route: '/v1/exchange', status: 200, tenant: 'traced', trace_id: callerTrace });
  });

  it('starts a new trace when the caller sends none, and marks a refusal as an error', async () => {
    const ok = await api.exchange(key, financeDemo);
    const { trace_id } = await ok.json();
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.signet_trace_id === trace_id);
    expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const [root] = (await spansOf(line.trace_id, PHASES.length - 2)).filter((s) => s.name === 'exchange');
    expect(root!.parentSpanId ?? '').toBe('');

    const refusedTrace = '0af7651916cd43dd8448eb211c80319c';
    expect((await api.exchange(`${key}x`, financeDemo, undefined, { traceparent: `00-${refusedTrace}-b7ad6b7169203331-01` })).status).toBe(401);
    const refused = (await spansOf(refusedTrace, 2)).find((s) => s.name === 'exchange')!;
    expect(refused.status).toMatchObject({ code: 2, message: 'API_KEY_INVALID' }); // ERROR
    expect(Number(attr(refused, 'http.response.status_code'))).toBe(401);
  });
});
