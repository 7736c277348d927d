// The fallback repair loop: ask the model for the corrected arguments, parse and validate its
// reply, and send the validation errors back for at most `maxAttempts` calls. Tokens are summed
// over every call, whatever the outcome; billing only the successful ones is the caller's rule.
import { jsonrepair } from 'jsonrepair';
import { parseJsonExact } from '../mappings/exact-json';
import { CircuitOpenError } from './circuit-breaker';
import { correctionMessages, initialMessages, type ValidationIssue } from './prompt';
import { ProviderError, type ChatMessage, type Completion, type FallbackProvider, type ProviderFailure } from './provider';
import { approxTokens } from './quota';

export type { ValidationIssue } from './prompt';

export interface RepairInput {
  brokenText: string;
  argumentsSchema: object;
  /** Empty when the value satisfies the arguments schema. */
  validate(value: unknown): ValidationIssue[];
  maxAttempts: number;
  provider: FallbackProvider;
  breaker: { run<T>(call: () => Promise<T>): Promise<T> };
}

export type RepairFailure = 'exhausted' | ProviderFailure | 'circuit_open';

interface Spend {
  /** Tokens over all provider calls made, successful or not. */
  tokens: number;
  /** Calls made to the provider. */
  attempts: number;
  /** True when some call's usage was not reported and had to be estimated (see approxTokens). */
  estimated: boolean;
}

export type RepairOutcome =
  | ({ ok: true; value: Record<string, unknown> } & Spend)
  | ({ ok: false; reason: RepairFailure; detail: string; issues?: ValidationIssue[] } & Spend);

export async function repairWithLlm(input: RepairInput): Promise<RepairOutcome> {
  const { maxAttempts, provider, breaker } = input;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new Error(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  const spend: Spend = { tokens: 0, attempts: 0, estimated: false };
  let messages = initialMessages(input.brokenText, input.argumentsSchema);
  let issues: ValidationIssue[] = [];

  while (spend.attempts < maxAttempts) {
    let completion: Completion;
    try {
      completion = await breaker.run(() => {
        spend.attempts += 1;
        return provider.complete(messages);
      });
    } catch (error) {
      if (error instanceof CircuitOpenError) return { ok: false, reason: 'circuit_open', detail: error.message, ...spend };
      if (error instanceof ProviderError) return { ok: false, reason: error.kind, detail: error.message, ...spend };
      throw error;
    }
    addUsage(spend, messages, completion);
    const parsed = parseReply(completion.content);
    issues = 'issue' in parsed ? [parsed.issue] : input.validate(parsed.value);
    if (issues.length === 0 && 'value' in parsed) return { ok: true, value: parsed.value, ...spend };
    messages = [...messages, ...correctionMessages(completion.content, issues)];
  }
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  return { ok: false, reason: 'exhausted', detail: `no valid repair after ${maxAttempts} attempt(s); last errors: ${summary}`, issues, ...spend };
}

function addUsage(spend: Spend, messages: ChatMessage[], completion: Completion) {
  if (completion.totalTokens !== null) {
    spend.tokens += completion.totalTokens;
  } else if (completion.promptTokens !== null && completion.completionTokens !== null) {
    spend.tokens += completion.promptTokens + completion.completionTokens;
  } else {
    const chars = messages.reduce((sum, m) => sum + m.content.length, 0) + completion.content.length;
    spend.tokens += approxTokens(chars);
    spend.estimated = true;
  }
}

const FENCED = /^\s*```[\w-]*[ \t]*\n?([\s\S]*?)\n?[ \t]*```\s*$/;

/** The model's reply as an object: code fences stripped, repaired deterministically if needed, numbers exact. */
function parseReply(content: string): { value: Record<string, unknown> } | { issue: ValidationIssue } {
  const text = FENCED.exec(content)?.[1] ?? content;
  let value: unknown;
  try {
    value = parseJsonExact(text);
  } catch {
    try {
      value = parseJsonExact(jsonrepair(text));
    } catch (error) {
      return { issue: { path: '', message: `the reply is not JSON (${error instanceof Error ? error.message : String(error)})` } };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { issue: { path: '', message: 'the reply must be a JSON object' } };
  }
  return { value: value as Record<string, unknown> };
}
