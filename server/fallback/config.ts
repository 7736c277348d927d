// Settings of the LLM fallback repair, read from the environment once. Any OpenAI-compatible
// Chat Completions endpoint works (OpenAI, Azure OpenAI's /openai/v1, vLLM, Ollama); servers
// that ignore authentication still need a placeholder key, because the SDK always sends one.
import type { CircuitBreakerOptions } from './circuit-breaker';

export interface FallbackConfig {
  apiKey: string | null;
  baseURL: string;
  model: string;
  timeoutMs: number;
  maxAttempts: number;
  /** Ask for `response_format: {type: "json_object"}`; turn off for servers that reject it. */
  jsonMode: boolean;
  breaker: CircuitBreakerOptions;
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | null {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? null : raw.trim();
}

function int(env: Env, name: string, fallback: number, min: number): number {
  const raw = str(env, name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

function ratio(env: Env, name: string, fallback: number): number {
  const raw = str(env, name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 1) throw new Error(`${name} must be a number in (0, 1], got "${raw}"`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name);
  if (raw === null) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const raw = str(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

export function loadFallbackConfig(env: Env = process.env): FallbackConfig {
  return {
    apiKey: str(env, 'SP_OPENAI_API_KEY') ?? str(env, 'OPENAI_API_KEY'),
    baseURL: httpUrl(env, 'SP_FALLBACK_BASE_URL', 'https://api.openai.com/v1'),
    model: str(env, 'SP_FALLBACK_MODEL') ?? 'gpt-4o-mini',
    timeoutMs: int(env, 'SP_FALLBACK_TIMEOUT_MS', 15_000, 1),
    maxAttempts: int(env, 'SP_FALLBACK_MAX_ATTEMPTS', 2, 1),
    jsonMode: bool(env, 'SP_FALLBACK_JSON_MODE', true),
    breaker: {
      failureThreshold: int(env, 'SP_FALLBACK_BREAKER_FAILURES', 5, 1),
      failureRate: ratio(env, 'SP_FALLBACK_BREAKER_FAILURE_RATE', 0.5),
      minimumCalls: int(env, 'SP_FALLBACK_BREAKER_MIN_CALLS', 10, 1),
      windowMs: int(env, 'SP_FALLBACK_BREAKER_WINDOW_MS', 60_000, 1),
      cooldownMs: int(env, 'SP_FALLBACK_BREAKER_COOLDOWN_MS', 30_000, 1),
    },
  };
}

/** The base URL always has a value (validated above), so only a missing key disables the fallback. */
export function fallbackConfigured(config: FallbackConfig): config is FallbackConfig & { apiKey: string } {
  return config.apiKey !== null;
}
