// One load run with autocannon, recording every response's latency ourselves (autocannon's
// summary has no p95).
import autocannon from 'autocannon';

export interface RunSpec {
  name: string;
  kind: 'floor' | 'exchange' | 'mixed' | 'replay';
  connections: number;
  durationSec: number;
  url: string;
  /** Builds each request (method, path, headers, body). */
  request: () => { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string };
}

export interface RunResult {
  name: string;
  kind: RunSpec['kind'];
  connections: number;
  ok: number;
  non2xx: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runLoad(spec: RunSpec): Promise<RunResult> {
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  const started = performance.now();
  let finish!: (r: autocannon.Result) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSec,
    requests: [
      {
        setupRequest: (req) => {
          const r = spec.request();
          return { ...req, method: r.method, path: r.path, headers: { 'content-type': 'application/json', ...r.headers }, body: r.body ?? '' };
        },
      },
    ],
  }, (err, result) => (err ? fail(err) : finish(result)));
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
