// A load run with wrk: the plan becomes a Lua script, and the script's done() prints wrk's own
// totals and latency percentiles as one JSON line.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RequestPlan, RunResult, RunSpec } from './load';

const MARK = 'WRK-RESULT ';

/** A Lua string literal holding `text` byte for byte. */
function lua(text: string): string {
  return `"${[...Buffer.from(text, 'utf8')].map((b) => `\\${String(b).padStart(3, '0')}`).join('')}"`;
}

function luaList(items: string[]): string {
  return `{${items.map(lua).join(',')}}`;
}

function script(plan: RequestPlan): string {
  const headers = { 'content-type': 'application/json', ...plan.headers };
  const keys = plan.idempotencyKeys;
  return `
local method, path, body = ${lua(plan.method)}, ${lua(plan.path)}, ${plan.body === undefined ? 'nil' : lua(plan.body)}
local headers = {${Object.entries(headers).map(([k, v]) => `[${lua(k)}] = ${lua(v)}`).join(', ')}}
local share, alternates = ${plan.alternates?.share ?? 0}, ${luaList(plan.alternates?.bodies ?? [])}
local unique, keys = ${keys === 'unique'}, ${luaList(Array.isArray(keys) ? keys : [])}
local prefix, counter = ${lua(randomUUID())}, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

function init(args)
  math.randomseed(os.time() * 100 + thread_no)
end

function request()
  counter = counter + 1
  local b = body
  if #alternates > 0 and math.random() < share then b = alternates[math.random(#alternates)] end
  if unique then
    headers["x-signet-idempotency-key"] = prefix .. "-" .. thread_no .. "-" .. counter
  elseif #keys > 0 then
    headers["x-signet-idempotency-key"] = keys[(counter - 1) % #keys + 1]
  end
  return wrk.format(method, path, headers, b)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('${MARK}{"requests":%d,"duration_us":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50":%d,"p95":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
`;
}

export async function runWrk(spec: RunSpec): Promise<RunResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'signet-wrk-'));
  const file = path.join(dir, 'plan.lua');
  writeFileSync(file, script(spec.plan));
  try {
    const args = ['-t1', `-c${spec.connections}`, `-d${spec.durationSec}s`, '--timeout', '10s', '-s', file, `${spec.url}${spec.plan.path}`];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('wrk', args, (err, out, errOut) => (err ? reject(new Error(`wrk failed: ${err.message}\n${errOut}`)) : resolve(out))),
    );
    const line = stdout.split('\n').find((l) => l.startsWith(MARK));
    if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
    const r = JSON.parse(line.slice(MARK.length)) as Record<'requests' | 'duration_us' | 'status' | 'connect' | 'read' | 'write' | 'timeout' | 'p50' | 'p95' | 'p99', number>;
    // wrk counts a response with a status of 400 or more as a status error; these routes
    // answer nothing in 1xx or 3xx, so the rest are the 2xx.
    const ok = r.requests - r.status;
    return {
      name: spec.name,
      kind: spec.kind,
      connections: spec.connections,
      ok,
      non2xx: r.status,
      errors: r.connect + r.read + r.write + r.timeout,
      rps: ok / (r.duration_us / 1e6),
      p50: r.p50 / 1000,
      p95: r.p95 / 1000,
      p99: r.p99 / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
