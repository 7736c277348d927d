// One load run: wrk when it is installed, else autocannon. wrk is C on one event loop; on a
// 2-core machine with the server and the database beside it, autocannon (JavaScript) takes a
// good part of a core away from what is measured. Both take the same declarative plan.
import { spawnSync } from 'node:child_process';
import { runAutocannon } from './autocannon';
import { runWrk } from './wrk';

export interface RequestPlan {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** With probability `share`, a request's body is one of `bodies`, picked at random. */
  alternates?: { share: number; bodies: string[] };
  /** Each request's X-SIGNET-Idempotency-Key: new every time, or going round a list. */
  idempotencyKeys?: 'unique' | string[];
}

export interface RunSpec {
  name: string;
  kind: 'floor' | 'exchange' | 'mixed' | 'replay';
  connections: number;
  durationSec: number;
  url: string;
  plan: RequestPlan;
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

export type LoadGenerator = 'wrk' | 'autocannon';

export function loadGenerator(): LoadGenerator {
  if (process.env.BENCH_LOAD_GENERATOR === 'autocannon') return 'autocannon';
  return spawnSync('wrk', ['--version']).error ? 'autocannon' : 'wrk';
}

export function runLoad(spec: RunSpec, generator: LoadGenerator): Promise<RunResult> {
  return generator === 'wrk' ? runWrk(spec) : runAutocannon(spec);
}
