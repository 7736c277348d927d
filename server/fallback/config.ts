// Settings of the LLM fallback repair (read and validated in server/config.ts: SP_OPENAI_API_KEY,
// SP_FALLBACK_*). Any OpenAI-compatible
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

/** The base URL always has a value (validated above), so only a missing key disables the fallback. */
export function fallbackConfigured(config: FallbackConfig): config is FallbackConfig & { apiKey: string } {
  return config.apiKey !== null;
}
