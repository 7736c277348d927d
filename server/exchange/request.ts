// The request edge: decode bytes strictly, bound nesting, read the payload's numbers exactly,
// refuse prototype-pollution keys and strings that are not Unicode, strip control characters,
// and validate the envelope of SPEC §4. Optional fields sent as null mean absent.
import { z } from 'zod';
import { mayLoseDigits, parseNumbersExactly } from '../mappings/exact-json';
import { ExchangeError } from './errors';

export const exchangeRequestSchema = z
  .object({
    payload_type: z.string().min(1).max(200),
    target_type: z.string().min(1).max(200),
    payload: z.record(z.string(), z.unknown()),
    trace_id: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'trace_id must be 1–128 characters of letters, digits, ".", "_", ":" or "-"')
      .nullish(),
    forward_url: z.string().min(1).max(2048).nullish(),
    semantic_invariants: z.array(z.string().min(1).max(100)).max(20).nullish(),
  })
  .strict();

export type ExchangeRequest = z.infer<typeof exchangeRequestSchema>;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// C0 controls except tab, newline and carriage return; DEL; C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Deepest array/object nesting in JSON text, scanning outside strings; stops past `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      if (++depth > limit) return true;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return false;
}

/** A string JSON can spell but Unicode cannot hold (a lone surrogate such as "\ud800"). */
export function notUnicode(where: string): ExchangeError {
  return new ExchangeError('INVALID_UNICODE', `${where} contains a lone surrogate (an unpaired \\ud800–\\udfff escape); strings must be well-formed Unicode`);
}

/** Recursively strip control characters from strings and refuse dangerous keys and non-Unicode strings. */
function sanitize(value: unknown, path: string): unknown {
  if (typeof value === 'string') {
    if (!value.isWellFormed()) throw notUnicode(path || 'the body');
    return value.replace(CONTROL_CHARS, '');
  }
  if (Array.isArray(value)) return value.map((v, i) => sanitize(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(k)) throw new ExchangeError('INVALID_JSON', `key "${k}" is not allowed (at ${path || 'the top level'})`);
      if (!k.isWellFormed()) throw notUnicode(`a key at ${path || 'the top level'}`);
      out[k.replace(CONTROL_CHARS, '')] = sanitize(v, path ? `${path}.${k}` : k);
    }
    return out;
  }
  return value;
}

export function parseExchangeBody(bytes: Uint8Array, maxDepth: number): ExchangeRequest {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ExchangeError('INVALID_JSON', 'request body is not valid UTF-8');
  }
  if (jsonDepthExceeds(text, maxDepth)) {
    throw new ExchangeError('INVALID_JSON', `JSON nesting deeper than ${maxDepth} levels`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ExchangeError('INVALID_JSON', `malformed JSON: ${(err as Error).message}`);
  }
  // Amounts in the payload keep every digit; the envelope's fields are read as JSON.parse reads them.
  if (mayLoseDigits(text) && raw !== null && typeof raw === 'object' && 'payload' in raw) {
    (raw as { payload: unknown }).payload = (parseNumbersExactly(text) as { payload: unknown }).payload;
  }
  const parsed = exchangeRequestSchema.safeParse(sanitize(raw, ''));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'body';
    throw new ExchangeError('INVALID_REQUEST', `${where}: ${issue.message}`);
  }
  return parsed.data;
}

export function idempotencyKeyOf(header: string | undefined | null): string {
  const key = header?.trim();
  if (!key) throw new ExchangeError('IDEMPOTENCY_KEY_REQUIRED', 'the X-SIGNET-Idempotency-Key header is required');
  if (key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ExchangeError('IDEMPOTENCY_KEY_INVALID', 'idempotency keys are 1–200 printable ASCII characters');
  }
  return key;
}
