// The fallback's model client: one Chat Completions request per call, through the official
// `openai` SDK pointed at any OpenAI-compatible base URL. The SDK's own retries are off:
// repair attempts are counted, billed and bounded by the caller, not hidden in here.
import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Completion {
  content: string;
  /** From the provider's `usage`; null when the provider did not report it. */
  totalTokens: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
}

export interface FallbackProvider {
  complete(messages: ChatMessage[]): Promise<Completion>;
}

export type ProviderFailure = 'provider_error' | 'timeout' | 'malformed_reply';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderFailure,
    message: string,
    /** HTTP status of a `provider_error` answered by the provider; absent when no answer came. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface ProviderOptions {
  baseURL: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  jsonMode: boolean;
}

export function createOpenAiProvider(options: ProviderOptions): FallbackProvider {
  const client = new OpenAI({ baseURL: options.baseURL, apiKey: options.apiKey, timeout: options.timeoutMs, maxRetries: 0 });
  return {
    async complete(messages) {
      let reply: unknown;
      try {
        reply = await client.chat.completions.create({
          model: options.model,
          messages,
          ...(options.jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
        });
      } catch (error) {
        throw classify(error);
      }
      return readCompletion(reply);
    },
  };
}

function classify(error: unknown): ProviderError {
  if (error instanceof APIConnectionTimeoutError) return new ProviderError('timeout', 'fallback provider did not answer in time');
  if (error instanceof APIError) {
    const what = error.status === undefined ? 'could not be reached' : `answered HTTP ${error.status}`;
    return new ProviderError('provider_error', `fallback provider ${what}: ${error.message}`, error.status);
  }
  // The SDK surfaces an unparseable 2xx body as a plain parse error.
  const detail = error instanceof Error ? error.message : String(error);
  return new ProviderError('malformed_reply', `fallback provider sent an unreadable reply: ${detail}`);
}

/** Checks the reply's shape at run time: OpenAI-compatible servers vary in what they send. */
function readCompletion(reply: unknown): Completion {
  const body = asRecord(reply);
  const choices = body?.choices;
  if (!Array.isArray(choices) || choices.length === 0) throw new ProviderError('malformed_reply', 'fallback provider reply has no choices');
  const content = asRecord(asRecord(choices[0])?.message)?.content;
  if (typeof content !== 'string' || content.trim() === '') {
    throw new ProviderError('malformed_reply', 'fallback provider reply has no message content');
  }
  const usage = asRecord(body?.usage);
  return {
    content,
    totalTokens: tokenCount(usage?.total_tokens),
    promptTokens: tokenCount(usage?.prompt_tokens),
    completionTokens: tokenCount(usage?.completion_tokens),
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function tokenCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}
