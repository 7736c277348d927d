import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiProvider, ProviderError, type ProviderOptions } from './provider';
import { startFakeLlm, type FakeLlm } from './testing/fake-llm';

let llm: FakeLlm;
beforeEach(async () => {
  llm = await startFakeLlm();
});
afterEach(async () => {
  await llm.close();
});

const messages = [{ role: 'user' as const, content: 'fix {"a": 1' }];
const provider = (overrides: Partial<ProviderOptions> = {}) =>
  createOpenAiProvider({ baseURL: llm.baseURL, apiKey: 'sk-test', model: 'repair-model', timeoutMs: 2_000, jsonMode: true, ...overrides });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('createOpenAiProvider', () => {
  it('sends a Chat Completions request and returns content and usage', async () => {
    llm.enqueue({ content: '{"a":1}', usage: { prompt_tokens: 100, completion_tokens: 23, total_tokens: 123 } });
    const completion = await provider().complete(messages);
    expect(completion).toEqual({ content: '{"a":1}', totalTokens: 123, promptTokens: 100, completionTokens: 23 });
    const [request] = llm.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.authorization).toBe('Bearer sk-test');
    expect(request?.body.model).toBe('repair-model');
    expect(request?.body.messages).toEqual(messages);
    expect(request?.body.response_format).toEqual({ type: 'json_object' });
  });

  it('leaves response_format out when JSON mode is off', async () => {
    llm.enqueue({ content: '{}', usage: { total_tokens: 5 } });
    await provider({ jsonMode: false }).complete(messages);
    expect(llm.requests[0]?.body).not.toHaveProperty('response_format');
  });

  it('reports missing usage as null', async () => {
    llm.enqueue({ content: '{}', usage: null });
    expect(await provider().complete(messages)).toMatchObject({ totalTokens: null, promptTokens: null, completionTokens: null });
  });

  it('classifies an HTTP error status as provider_error, once (no SDK retries)', async () => {
    llm.enqueue({ status: 500 }, { content: '{}', usage: null });
    const error = await failure(provider().complete(messages));
    expect(error.kind).toBe('provider_error');
    expect(error.status).toBe(500);
    expect(error.message).toContain('HTTP 500');
    expect(llm.requests).toHaveLength(1);
  });

  it('classifies an unreachable provider as provider_error without status', async () => {
    const url = llm.baseURL;
    await llm.close();
    llm = await startFakeLlm();
    const error = await failure(provider({ baseURL: url }).complete(messages));
    expect(error.kind).toBe('provider_error');
    expect(error.status).toBeUndefined();
  });

  it('classifies no answer within the timeout as timeout', async () => {
    llm.enqueue({ hang: true });
    const started = Date.now();
    const error = await failure(provider({ timeoutMs: 200 }).complete(messages));
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each(['not_json', 'no_choices', 'no_content'] as const)('classifies a %s reply as malformed_reply', async (malformed) => {
    llm.enqueue({ malformed });
    const error = await failure(provider().complete(messages));
    expect(error.kind).toBe('malformed_reply');
  });
});
