import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions } from './circuit-breaker';

const options: CircuitBreakerOptions = { failureThreshold: 3, failureRate: 0.5, minimumCalls: 6, windowMs: 10_000, cooldownMs: 5_000 };

function setup(overrides: Partial<CircuitBreakerOptions> = {}) {
  const clock = { t: 1_000_000 };
  const breaker = new CircuitBreaker({ ...options, ...overrides }, () => clock.t);
  let calls = 0;
  const ok = () => breaker.run(async () => (calls += 1));
  const fail = () =>
    breaker.run(async () => {
      calls += 1;
      throw new Error('provider down');
    });
  return { clock, breaker, ok, fail, calls: () => calls };
}

describe('CircuitBreaker', () => {
  it('passes calls and their results through while closed', async () => {
    const { breaker, ok } = setup();
    await expect(ok()).resolves.toBe(1);
    await expect(breaker.run(async () => 'x')).resolves.toBe('x');
    expect(breaker.state).toBe('closed');
  });

  it('opens after the consecutive-failure threshold and then fails fast without calling', async () => {
    const { breaker, fail, ok, calls } = setup();
    for (let i = 0; i < 2; i += 1) await expect(fail()).rejects.toThrow('provider down');
    expect(breaker.state).toBe('closed');
    await expect(fail()).rejects.toThrow('provider down');
    expect(breaker.state).toBe('open');
    expect(calls()).toBe(3);
    await expect(ok()).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls()).toBe(3);
  });

  it('a success resets the consecutive count', async () => {
    const { breaker, fail, ok } = setup();
    await fail().catch(() => {});
    await fail().catch(() => {});
    await ok();
    await fail().catch(() => {});
    await fail().catch(() => {});
    expect(breaker.state).toBe('closed');
  });

  it('opens on the failure rate within the window once enough calls were seen', async () => {
    const { breaker, fail, ok } = setup({ failureThreshold: 100 });
    for (const outcome of [ok, fail, ok, fail, ok]) await outcome().catch(() => {});
    expect(breaker.state).toBe('closed'); // 2 of 5: below minimumCalls
    await fail().catch(() => {});
    expect(breaker.state).toBe('open'); // 3 of 6 = 50 %
  });

  it('forgets outcomes older than the window', async () => {
    const { clock, breaker, fail, ok } = setup({ failureThreshold: 100 });
    for (const outcome of [fail, fail, fail, ok, ok]) await outcome().catch(() => {});
    clock.t += 10_001;
    for (const outcome of [ok, ok, ok, ok, ok]) await outcome();
    await fail().catch(() => {});
    expect(breaker.state).toBe('closed'); // 1 of 6 in the window
  });

  it('after the cool-down lets exactly one probe through; its success closes the circuit', async () => {
    const { clock, breaker, fail, ok, calls } = setup();
    for (let i = 0; i < 3; i += 1) await fail().catch(() => {});
    clock.t += 4_999;
    await expect(ok()).rejects.toBeInstanceOf(CircuitOpenError);
    clock.t += 1;
    let release!: () => void;
    const probe = breaker.run(() => new Promise<void>((resolve) => (release = resolve)));
    expect(breaker.state).toBe('half_open');
    await expect(ok()).rejects.toBeInstanceOf(CircuitOpenError); // a second caller while the probe runs
    release();
    await probe;
    expect(breaker.state).toBe('closed');
    const before = calls();
    await ok();
    expect(calls()).toBe(before + 1);
  });

  it('a failed probe re-opens the circuit for another cool-down', async () => {
    const { clock, breaker, fail, ok } = setup();
    for (let i = 0; i < 3; i += 1) await fail().catch(() => {});
    clock.t += 5_000;
    await expect(fail()).rejects.toThrow('provider down');
    expect(breaker.state).toBe('open');
    clock.t += 4_000;
    const refused = await ok().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as CircuitOpenError).retryAfterMs).toBe(1_000);
  });

  it('ignores the late result of a call that began before the circuit opened', async () => {
    const { clock, breaker, fail } = setup();
    let release!: () => void;
    const slow = breaker.run(() => new Promise<void>((resolve) => (release = resolve)));
    for (let i = 0; i < 3; i += 1) await fail().catch(() => {});
    expect(breaker.state).toBe('open');
    release();
    await slow;
    expect(breaker.state).toBe('open');
    clock.t += 5_000;
    let releaseProbe!: () => void;
    const probe = breaker.run(() => new Promise<void>((resolve) => (releaseProbe = resolve)));
    expect(breaker.state).toBe('half_open');
    releaseProbe();
    await probe;
    expect(breaker.state).toBe('closed');
  });
});
