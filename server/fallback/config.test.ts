import { describe, expect, it } from 'vitest';
import { loadConfig, type Env } from '../config';
import { fallbackConfigured } from './config';

const loadFallbackConfig = (env: Env) => loadConfig(env).fallback;

describe('the fallback settings', () => {
  it('has defaults for everything but the key, and is not configured without one', () => {
    const config = loadFallbackConfig({});
    expect(config).toMatchObject({ apiKey: null, baseURL: 'https://api.openai.com/v1', model: 'gpt-4o-mini', timeoutMs: 15_000, maxAttempts: 2, jsonMode: true });
    expect(config.breaker).toEqual({ failureThreshold: 5, failureRate: 0.5, minimumCalls: 10, windowMs: 60_000, cooldownMs: 30_000 });
    expect(fallbackConfigured(config)).toBe(false);
  });

  it('prefers SP_OPENAI_API_KEY over OPENAI_API_KEY', () => {
    expect(loadFallbackConfig({ OPENAI_API_KEY: 'b' }).apiKey).toBe('b');
    const config = loadFallbackConfig({ SP_OPENAI_API_KEY: 'a', OPENAI_API_KEY: 'b' });
    expect(config.apiKey).toBe('a');
    expect(fallbackConfigured(config)).toBe(true);
  });

  it('reads every setting', () => {
    const config = loadFallbackConfig({
      SP_OPENAI_API_KEY: 'k',
      SP_FALLBACK_BASE_URL: 'http://127.0.0.1:11434/v1/',
      SP_FALLBACK_MODEL: 'llama3.1',
      SP_FALLBACK_TIMEOUT_MS: '2500',
      SP_FALLBACK_MAX_ATTEMPTS: '3',
      SP_FALLBACK_JSON_MODE: 'false',
      SP_FALLBACK_BREAKER_FAILURES: '2',
      SP_FALLBACK_BREAKER_FAILURE_RATE: '0.25',
      SP_FALLBACK_BREAKER_MIN_CALLS: '4',
      SP_FALLBACK_BREAKER_WINDOW_MS: '1000',
      SP_FALLBACK_BREAKER_COOLDOWN_MS: '500',
    });
    expect(config).toEqual({
      apiKey: 'k',
      baseURL: 'http://127.0.0.1:11434/v1',
      model: 'llama3.1',
      timeoutMs: 2500,
      maxAttempts: 3,
      jsonMode: false,
      breaker: { failureThreshold: 2, failureRate: 0.25, minimumCalls: 4, windowMs: 1000, cooldownMs: 500 },
    });
  });

  it.each([
    ['SP_FALLBACK_BASE_URL', 'api.openai.com', 'SP_FALLBACK_BASE_URL="api.openai.com": must be an absolute http or https URL'],
    ['SP_FALLBACK_BASE_URL', 'ftp://host/v1', 'SP_FALLBACK_BASE_URL="ftp://host/v1": must be an absolute http or https URL'],
    ['SP_FALLBACK_TIMEOUT_MS', '0', 'SP_FALLBACK_TIMEOUT_MS="0": must be a whole number >= 1'],
    ['SP_FALLBACK_MAX_ATTEMPTS', 'two', 'SP_FALLBACK_MAX_ATTEMPTS="two": must be a whole number >= 1'],
    ['SP_FALLBACK_JSON_MODE', 'yes', 'SP_FALLBACK_JSON_MODE="yes": must be true or false'],
    ['SP_FALLBACK_BREAKER_FAILURE_RATE', '1.5', 'SP_FALLBACK_BREAKER_FAILURE_RATE="1.5": must be a number in (0, 1]'],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => loadFallbackConfig({ [name]: value })).toThrow(message);
  });
});
