import Ajv2020 from 'ajv/dist/2020.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker';
import { SYSTEM_PROMPT } from './prompt';
import { createOpenAiProvider } from './provider';
import { repairWithLlm, type RepairInput } from './repair';
import { startFakeLlm, type FakeLlm } from './testing/fake-llm';

const schema = {
  type: 'object',
  properties: {
    invoice_id: { type: 'string' },
    amount: { type: 'number' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
  required: ['invoice_id', 'amount', 'currency'],
  additionalProperties: false,
};
const compiled = new Ajv2020({ allErrors: true }).compile(schema);
const validate = (value: unknown) =>
  compiled(value) ? [] : (compiled.errors ?? []).map((e) => ({ path: e.instancePath || '/', message: e.message ?? e.keyword }));

const broken = `{invoice_id: 'INV-7', amount: 1000.00 currency: "usd"`;
const valid = '{"invoice_id":"INV-7","amount":1000.00,"currency":"USD"}';
const invalid = '{"invoice_id":"INV-7","amount":1000.00,"currency":"usd"}';

let llm: FakeLlm;
let clock: { t: number };
let breaker: CircuitBreaker;
beforeEach(async () => {
  llm = await startFakeLlm();
  clock = { t: 0 };
  breaker = new CircuitBreaker({ failureThreshold: 2, failureRate: 1, minimumCalls: 100, windowMs: 60_000, cooldownMs: 30_000 }, () => clock.t);
});
afterEach(async () => {
  await llm.close();
});

function run(overrides: Partial<RepairInput> = {}) {
  const provider = createOpenAiProvider({ baseURL: llm.baseURL, apiKey: 'sk-test', model: 'm', timeoutMs: 1_000, jsonMode: true });
  return repairWithLlm({ brokenText: broken, argumentsSchema: schema, validate, maxAttempts: 2, provider, breaker, ...overrides });
}

const usage = (total: number) => ({ prompt_tokens: total - 10, completion_tokens: 10, total_tokens: total });

describe('repairWithLlm', () => {
  it('succeeds on the first attempt with a prompt that carries the schema and the broken text', async () => {
    llm.enqueue({ content: valid, usage: usage(123) });
    const outcome = await run();
    expect(outcome).toEqual({ ok: true, value: { invoice_id: 'INV-7', amount: 1000, currency: 'USD' }, tokens: 123, attempts: 1, estimated: false });
    const sent = llm.requests[0]?.body.messages ?? [];
    expect(sent[0]).toEqual({ role: 'system', content: SYSTEM_PROMPT });
    expect(sent[1]?.content).toContain(JSON.stringify(schema));
    expect(sent[1]?.content).toContain(broken);
  });

  it('reads the numbers of the reply exactly, as the arguments are read', async () => {
    const exactSchema = { ...schema, properties: { ...schema.properties, amount: { type: ['number', 'string'] } } };
    llm.enqueue({ content: '{"invoice_id":"INV-7","amount":123456789012345678,"currency":"USD"}', usage: usage(50) });
    const outcome = await run({ argumentsSchema: exactSchema, validate: () => [] });
    expect(outcome).toMatchObject({ ok: true, value: { amount: '123456789012345678' } });
  });

  it('sends the validation errors back and succeeds on the second attempt, summing tokens exactly', async () => {
    llm.enqueue({ content: invalid, usage: usage(123) }, { content: valid, usage: usage(456) });
    const outcome = await run();
    expect(outcome).toMatchObject({ ok: true, tokens: 579, attempts: 2, estimated: false });
    const second = llm.requests[1]?.body.messages ?? [];
    expect(second).toHaveLength(4);
    expect(second[2]).toEqual({ role: 'assistant', content: invalid });
    expect(second[3]?.role).toBe('user');
    expect(second[3]?.content).toContain('/currency: must match pattern "^[A-Z]{3}$"');
  });

  it('strips code fences and repairs a slightly broken reply deterministically', async () => {
    llm.enqueue({ content: "```json\n{invoice_id: 'INV-7', amount: 1000.00, currency: 'USD',}\n```", usage: usage(50) });
    expect(await run()).toMatchObject({ ok: true, value: { invoice_id: 'INV-7', amount: 1000, currency: 'USD' }, attempts: 1 });
  });

  it('treats a reply that is not a JSON object as a validation failure for the next attempt', async () => {
    llm.enqueue({ content: '["INV-7", 1000, "USD"]', usage: usage(40) }, { content: valid, usage: usage(60) });
    expect(await run()).toMatchObject({ ok: true, tokens: 100, attempts: 2 });
    expect(llm.requests[1]?.body.messages?.[3]?.content).toContain('(root): the reply must be a JSON object');
  });

  it('is exhausted after maxAttempts invalid replies, with every attempt counted in tokens', async () => {
    llm.enqueue({ content: invalid, usage: usage(100) }, { content: invalid, usage: usage(200) }, { content: invalid, usage: usage(300) });
    const outcome = await run({ maxAttempts: 3 });
    expect(outcome).toMatchObject({ ok: false, reason: 'exhausted', tokens: 600, attempts: 3, issues: [{ path: '/currency' }] });
    expect(outcome.ok === false && outcome.detail).toContain('after 3 attempt(s)');
    expect(llm.requests).toHaveLength(3);
  });

  it('fails with provider_error on HTTP 500, keeping the tokens already spent', async () => {
    llm.enqueue({ content: invalid, usage: usage(123) }, { status: 500 });
    expect(await run()).toMatchObject({ ok: false, reason: 'provider_error', tokens: 123, attempts: 2 });
  });

  it('fails with timeout when the provider does not answer', async () => {
    llm.enqueue({ hang: true });
    expect(await run()).toMatchObject({ ok: false, reason: 'timeout', tokens: 0, attempts: 1 });
  });

  it('fails with malformed_reply when the reply has no choices', async () => {
    llm.enqueue({ malformed: 'no_choices' });
    expect(await run()).toMatchObject({ ok: false, reason: 'malformed_reply', attempts: 1 });
  });

  it('estimates tokens at 4 characters each when the provider omits usage, and says so', async () => {
    llm.enqueue({ content: valid, usage: null });
    const outcome = await run();
    const sent = llm.requests[0]?.body.messages ?? [];
    const chars = sent.reduce((sum, m) => sum + m.content.length, 0) + valid.length;
    expect(outcome).toMatchObject({ ok: true, tokens: Math.ceil(chars / 4), estimated: true });
  });

  it('adds prompt and completion tokens when only those are reported', async () => {
    llm.enqueue({ content: valid, usage: { prompt_tokens: 70, completion_tokens: 9 } });
    expect(await run()).toMatchObject({ ok: true, tokens: 79, estimated: false });
  });

  it('opens the circuit after repeated provider failures and then fails fast without calling', async () => {
    llm.enqueue({ status: 503 }, { status: 503 });
    expect(await run()).toMatchObject({ reason: 'provider_error' });
    expect(await run()).toMatchObject({ reason: 'provider_error' });
    expect(breaker.state).toBe('open');
    const outcome = await run();
    expect(outcome).toMatchObject({ ok: false, reason: 'circuit_open', tokens: 0, attempts: 0 });
    expect(llm.requests).toHaveLength(2);
  });

  it('recovers through a half-open probe after the cool-down', async () => {
    llm.enqueue({ status: 500 }, { hang: true });
    await run();
    await run();
    expect(breaker.state).toBe('open');
    clock.t += 30_000;
    llm.enqueue({ content: valid, usage: usage(80) });
    expect(await run()).toMatchObject({ ok: true, tokens: 80 });
    expect(breaker.state).toBe('closed');
  });

  it('validation failures are not provider failures: they do not trip the circuit', async () => {
    llm.enqueue(...Array.from({ length: 4 }, () => ({ content: invalid, usage: usage(10) })));
    await run();
    await run();
    expect(breaker.state).toBe('closed');
  });

  it('rejects a maxAttempts below 1', async () => {
    await expect(run({ maxAttempts: 0 })).rejects.toThrow('maxAttempts must be an integer >= 1');
  });
});
