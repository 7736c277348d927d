// A load run with autocannon, recording every response's latency ourselves (autocannon's
// summary has no p95).
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { RequestPlan, RunResult, RunSpec } from './load';

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function requestMaker(plan: RequestPlan) {
  let n = 0;
  return () => {
    const { alternates, idempotencyKeys: keys } = plan;
    const body = alternates && Math.random() < alternates.share ? alternates.bodies[Math.floor(Math.random() * alternates.bodies.length)] : plan.body;
    const key = keys === 'unique' ? randomUUID() : keys?.[n++ % keys.length];
    return { method: plan.method, path: plan.path, body: body ?? '', headers: { 'content-type': 'application/json', ...plan.headers, ...(key && { 'x-signet-idempotency-key': key }) } };
  };
}

export async function runAutocannon(spec: RunSpec): Promise<RunResult> {
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  const next = requestMaker(spec.plan);
  const started = performance.now();
  let finish!: (r: autocannon.Result) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const instance = autocannon(
    { url: spec.url, connections: spec.connections, duration: spec.durationSec, requests: [{ setupRequest: (req) => ({ ...req, ...next() }) }] },
    (err, result) => (err ? fail(err) : finish(result)),
  );
  instance.on('response', (_client, status, _bytes, responseTime) => {
    latencies.push(responseTime);
    if (status >= 200 && status < 300) ok++;
    else non2xx++;
  });
  const result = await done;
  const elapsed = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    name: spec.name,
    kind: spec.kind,
    connections: spec.connections,
    ok,
    non2xx,
    errors: result.errors + result.timeouts,
    rps: ok / Math.min(elapsed, spec.durationSec + 1),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}
