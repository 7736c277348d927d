// Fallback Unit (FU) quota arithmetic: token estimates, the allow/refuse rule, and the UTC
// calendar month a quota counts over. Pure: the caller supplies usage read from the ledger.
import { correctionMessages, initialMessages } from './prompt';

/**
 * Tokens for text whose usage the provider did not report: one token per 4 characters, the
 * usual average for English and JSON with OpenAI's tokenizers.
 */
export function approxTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

// Upper-ish: UTF-8 bytes / 3 over-counts English and JSON and roughly matches scripts that cost
// about a token per character, plus the few tokens of framing each chat message carries.
const BYTES_PER_TOKEN = 3;
const TOKENS_PER_MESSAGE = 4;
/** Room assumed for the validation errors quoted in a correction message. */
const CORRECTION_ISSUES_CHARS = 600;

/**
 * An upper-ish estimate of the tokens `maxAttempts` repair attempts can spend: each attempt's
 * prompt is the previous prompt plus the previous reply and a correction, and each reply is
 * assumed as long as the broken text plus some slack.
 */
export function estimateTokens(brokenText: string, argumentsSchema: object, maxAttempts: number): number {
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new Error(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  const replyTokens = tokensOf(brokenText) + 64;
  const correctionTokens = correctionMessages('', [{ path: '', message: 'x'.repeat(CORRECTION_ISSUES_CHARS) }]).reduce(
    (sum, m) => sum + tokensOf(m.content) + TOKENS_PER_MESSAGE,
    0,
  );
  let promptTokens = initialMessages(brokenText, argumentsSchema).reduce((sum, m) => sum + tokensOf(m.content) + TOKENS_PER_MESSAGE, 0);
  let total = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    total += promptTokens + replyTokens;
    promptTokens += replyTokens + correctionTokens;
  }
  return total;
}

function tokensOf(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / BYTES_PER_TOKEN);
}

export type QuotaDecision = { allowed: true; reserve: bigint } | { allowed: false; current: bigint; limit: bigint };

/**
 * A call is allowed while the month's usage is below the limit (null: unlimited); reaching the
 * limit exactly refuses. `usedThisMonth` should include the reservations of calls still in
 * flight: the allowed call then holds `reserve` (its estimate) until its actual tokens are
 * recorded, so concurrent calls overshoot the limit by at most one call's estimate.
 */
export function quotaDecision(input: { usedThisMonth: bigint; limit: bigint | null; estimate: number }): QuotaDecision {
  const { usedThisMonth, limit, estimate } = input;
  if (!Number.isSafeInteger(estimate) || estimate < 0) throw new Error(`estimate must be a non-negative integer, got ${estimate}`);
  if (usedThisMonth < 0n) throw new Error(`usedThisMonth must not be negative, got ${usedThisMonth}`);
  if (limit !== null && usedThisMonth >= limit) return { allowed: false, current: usedThisMonth, limit };
  return { allowed: true, reserve: BigInt(estimate) };
}

/** The UTC calendar month containing `at`: `start` inclusive, `end` exclusive. */
export function utcMonth(at: Date): { start: Date; end: Date } {
  if (Number.isNaN(at.getTime())) throw new Error('utcMonth needs a valid date');
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { start, end };
}
