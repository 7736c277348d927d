// Deterministic repair of the JSON text an LLM put in a tool call's `arguments`, before any
// token is spent. Syntax: strict JSON.parse first; else the one JSON object in the text is cut
// out (code fences, prose before or after), jsonrepair fixes the rest (single quotes, comments,
// Python literals, trailing commas, missing closing brackets); a JSON text inside a JSON string
// is decoded once. Values, only when the arguments fail their schema and only where the reading
// is unambiguous: amounts with separators or currency marks, lowercase currency codes, a name
// where a party object is expected, null for an optional field. What could be read two ways is
// refused (ARGUMENTS_AMBIGUOUS), and so is text cut inside a value (ARGUMENTS_TRUNCATED).
// Numbers are read exactly (exact-json.ts): amounts keep every digit the model wrote.
import { jsonrepair } from 'jsonrepair';
import { parseJsonExact } from './exact-json';
import type { ReceiptRepair, RepairChangeKind } from '../receipts/types';
import { CURRENCY_SYMBOLS, currencyCode, readAmount } from './repair-values';
import { childSchema, isSchema, jsonPointer, resolve, schemaTypes, type Schema } from './schema-nav';

export type RepairRefusal = 'ARGUMENTS_UNREPAIRABLE' | 'ARGUMENTS_AMBIGUOUS' | 'ARGUMENTS_TRUNCATED';

export type RepairResult =
  | { ok: true; value: unknown; repaired: boolean; text: string; repair?: ReceiptRepair }
  | { ok: false; code: RepairRefusal; error: string; text: string };

class Refusal extends Error {
  constructor(
    readonly code: RepairRefusal,
    message: string,
  ) {
    super(message);
  }
}

type Changes = ReceiptRepair['changes'];
type Path = (string | number)[];

/** Parses (and repairs) arguments text; with a schema, also normalises values the schema refuses. */
export function parseArguments(text: string, schema?: object, validate?: (value: unknown) => unknown[]): RepairResult {
  const changes: Changes = [];
  try {
    let value = parseSyntax(text, changes);
    if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
      value = parseSyntax(value, []);
      changes.push({ path: '', kind: 'restructured' });
    }
    if (schema && validate && validate(value).length > 0) value = normalize(value, schema as Schema, changes);
    const repaired = changes.length > 0;
    return { ok: true, value, repaired, text, ...(repaired && { repair: { method: 'deterministic' as const, changes: dedupe(changes) } }) };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, code: err.code, error: err.message, text };
    throw err;
  }
}

function parseSyntax(text: string, changes: Changes): unknown {
  try {
    const value: unknown = parseJsonExact(text);
    refuseDuplicateKeys(text, value);
    return value;
  } catch (err) {
    if (err instanceof Refusal) throw err;
  }
  const object = oneObject(text);
  refuseTruncated(object);
  let json: string;
  try {
    json = jsonrepair(object);
  } catch (err) {
    throw new Refusal('ARGUMENTS_UNREPAIRABLE', `arguments are not JSON and could not be repaired: ${(err as Error).message}`);
  }
  const value: unknown = parseJsonExact(json);
  refuseDuplicateKeys(json, value);
  changes.push({ path: '', kind: 'syntax' });
  return value;
}

/** The one `{…}` in the text, prose and code fences around it dropped; two objects are ambiguous. */
function oneObject(text: string): string {
  const start = text.indexOf('{');
  if (start === -1) return text;
  const end = closingBrace(text, start);
  if (end === -1) return text.slice(start);
  const rest = text.slice(end + 1);
  const next = rest.indexOf('{');
  if (next !== -1 && closingBrace(rest, next) !== -1) {
    throw new Refusal('ARGUMENTS_AMBIGUOUS', 'the arguments text holds more than one JSON object; which one is meant is ambiguous');
  }
  return text.slice(start, end + 1);
}

function closingBrace(text: string, start: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote || c === '\n') quote = null;
    } else if (c === '"' || (c === "'" && /[\s{[:,]/.test(text[i - 1] ?? ' '))) quote = c;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * Closing brackets may be missing (the model stopped before them), but text that ends inside a
 * string, after a number, a key or an opening bracket may have lost part of a value.
 */
function refuseTruncated(text: string): void {
  let depth = 0;
  let quote: string | null = null;
  let last = '';
  let beforeLast = '';
  const push = (token: string) => {
    beforeLast = last;
    last = token;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) {
        quote = null;
        push('string');
      }
      continue;
    }
    if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      const end = text[i + 1] === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i);
      i = end === -1 ? text.length : end + (text[i + 1] === '*' ? 1 : 0);
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if ('{['.includes(c)) {
      depth++;
      push('open');
    } else if ('}]'.includes(c)) {
      depth--;
      push('close');
    } else if (c === ',') push('comma');
    else if (c === ':') push('colon');
    else if (!/\s/.test(c)) {
      const word = /^[^\s,:{}[\]"']+/.exec(text.slice(i))![0];
      push(/^(true|false|null|True|False|None)$/.test(word) ? 'literal' : 'word');
      i += word.length - 1;
    }
  }
  if (depth <= 0 && !quote) return;
  const complete = last === 'close' || last === 'comma' || last === 'literal' || (last === 'string' && (beforeLast === 'colon' || beforeLast === 'open' || beforeLast === 'comma'));
  if (quote || !complete) {
    throw new Refusal('ARGUMENTS_TRUNCATED', 'the arguments text ends inside a value (truncated output); the rest of the value cannot be known');
  }
}

/** JSON.parse keeps the last of two equal keys silently; two different values for one key are ambiguous. */
function refuseDuplicateKeys(json: string, value: unknown): void {
  if (colonsOutsideStrings(json) === keyCount(value)) return;
  const seen = new Map<string, string>();
  for (const { path, text } of keyedValues(json)) {
    const key = jsonPointer(path);
    const previous = seen.get(key);
    if (previous !== undefined && previous !== text) {
      throw new Refusal('ARGUMENTS_AMBIGUOUS', `key "${key}" appears twice with different values (${previous} and ${text}); which one is meant is ambiguous`);
    }
    seen.set(key, text);
  }
}

function colonsOutsideStrings(json: string): number {
  let count = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 58) count++;
  }
  return count;
}

function keyCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Object.values(value).reduce<number>((n, v) => n + keyCount(v), 0);
  return children + (Array.isArray(value) ? 0 : Object.keys(value).length);
}

/** Every key's path and the raw JSON text of its value, duplicates included, from valid JSON text. */
function keyedValues(json: string): { path: Path; text: string }[] {
  const out: { path: Path; text: string }[] = [];
  let i = 0;
  const ws = () => {
    while (/\s/.test(json[i] ?? '')) i++;
  };
  const str = () => {
    const start = i++;
    while (json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(json.slice(start, i)) as string;
  };
  const value = (path: Path): void => {
    ws();
    const c = json[i];
    if (c === '{') {
      i++;
      ws();
      while (json[i] !== '}') {
        const key = str();
        ws();
        i++; // :
        ws();
        const start = i;
        value([...path, key]);
        out.push({ path: [...path, key], text: json.slice(start, i) });
        ws();
        if (json[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      ws();
      for (let n = 0; json[i] !== ']'; n++) {
        value([...path, n]);
        ws();
        if (json[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') str();
    else while (i < json.length && !/[\s,}\]]/.test(json[i]!)) i++;
  };
  value([]);
  return out;
}

function normalize(value: unknown, root: Schema, changes: Changes): unknown {
  const shaped = structure(value, resolve(root, root), [], root, changes);
  amounts(shaped, resolve(root, root), [], root, [], changes);
  return shaped;
}

const record = (changes: Changes, path: Path, kind: RepairChangeKind) => changes.push({ path: jsonPointer(path), kind });

/** Pass 1: JSON inside strings, names where parties belong, nulls for optional fields, currency codes. */
function structure(value: unknown, schema: Schema | undefined, path: Path, root: Schema, changes: Changes): unknown {
  const types = schemaTypes(schema);
  if (typeof value === 'string') {
    const container = types.includes('object') || types.includes('array');
    if (container && !types.includes('string') && /^\s*[[{]/.test(value)) {
      try {
        const decoded: unknown = JSON.parse(value);
        if (typeof decoded === 'object' && decoded !== null && types.includes(Array.isArray(decoded) ? 'array' : 'object')) {
          record(changes, path, 'restructured');
          return structure(decoded, schema, path, root, changes);
        }
      } catch {
        return value;
      }
    }
    if (isPartySchema(schema, root) && value.trim() !== '') {
      record(changes, path, 'restructured');
      return { name: value };
    }
    if (isCurrencySchema(schema) && value !== value.toUpperCase() && currencyCode(value) === value.toUpperCase()) {
      record(changes, path, 'normalized');
      return value.toUpperCase();
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => structure(item, childSchema(root, schema, i), [...path, i], root, changes));
  if (typeof value !== 'object' || value === null) return value;
  const required = Array.isArray(schema?.required) ? (schema.required as unknown[]) : [];
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const sub = childSchema(root, schema, key);
    if (child === null && sub && !required.includes(key) && !schemaTypes(sub).includes('null')) {
      record(changes, [...path, key], 'normalized');
      continue;
    }
    out[key] = structure(child, sub, [...path, key], root, changes);
  }
  return out;
}

interface CurrencyScope {
  object: Record<string, unknown>;
  path: Path;
  supplied?: string;
}

/** Pass 2: amounts written as text; a currency mark inside one must agree with, or supplies, the nearest `currency`. */
function amounts(value: unknown, schema: Schema | undefined, path: Path, root: Schema, scopes: CurrencyScope[], changes: Changes): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => amounts(item, childSchema(root, schema, i), [...path, i], root, scopes, changes));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as Record<string, unknown>;
  const scope: CurrencyScope | null = childSchema(root, schema, 'currency') ? { object, path } : null;
  const inner = scope ? [...scopes, scope] : scopes;
  for (const [key, child] of Object.entries(object)) {
    const sub = childSchema(root, schema, key);
    const types = schemaTypes(sub);
    if (typeof child === 'string' && (types.includes('number') || types.includes('integer'))) {
      if (types.includes('string') && typeof sub?.pattern === 'string' && new RegExp(sub.pattern, 'u').test(child)) continue; // already a decimal the schema takes
      const amount = amountOf(child, [...path, key], inner);
      if (amount === null || (amount === child && types.includes('string'))) continue;
      // A string stays a string where the schema allows it, so the decimal keeps every digit.
      const replacement = types.includes('string') ? amount : Number(amount);
      if (typeof replacement === 'number' && (String(replacement) !== amount || (!types.includes('number') && !Number.isInteger(replacement)))) continue;
      object[key] = replacement;
      record(changes, [...path, key], 'normalized');
    } else amounts(child, sub, [...path, key], root, inner, changes);
  }
  if (scope?.supplied && object.currency === undefined) {
    object.currency = scope.supplied;
    record(changes, [...path, 'currency'], 'normalized');
  }
}

function amountOf(text: string, path: Path, scopes: CurrencyScope[]): string | null {
  const reading = readAmount(text);
  if (reading.kind === 'ambiguous') throw new Refusal('ARGUMENTS_AMBIGUOUS', `${jsonPointer(path)}: ${reading.why}`);
  if (reading.kind === 'none') return null;
  if (!reading.currency) return reading.value;
  const where = jsonPointer(path);
  const stated = scopes.findLast((s) => typeof s.object.currency === 'string');
  const agrees = 'code' in reading.currency ? [reading.currency.code] : CURRENCY_SYMBOLS[reading.currency.symbol]!.agrees;
  const mark = 'code' in reading.currency ? reading.currency.code : reading.currency.symbol;
  if (stated) {
    const currency = stated.object.currency as string;
    if (!agrees.includes(currency)) throw new Refusal('ARGUMENTS_AMBIGUOUS', `${where}: "${text}" is in ${mark} but ${jsonPointer([...stated.path, 'currency'])} is ${currency}`);
    return reading.value;
  }
  const target = scopes.at(-1);
  if (!target) return null;
  const supplies = 'code' in reading.currency ? reading.currency.code : CURRENCY_SYMBOLS[reading.currency.symbol]!.supplies;
  if (!supplies) throw new Refusal('ARGUMENTS_AMBIGUOUS', `${where}: "${text}" may be in ${agrees.join(' or ')} and no currency is given`);
  if (target.supplied && target.supplied !== supplies) {
    throw new Refusal('ARGUMENTS_AMBIGUOUS', `${where}: "${text}" is in ${supplies} but another amount is in ${target.supplied}, and no currency is given`);
  }
  target.supplied = supplies;
  return reading.value;
}

function isPartySchema(schema: Schema | undefined, root: Schema): boolean {
  const required = schema?.required;
  return (
    schemaTypes(schema).includes('object') &&
    Array.isArray(required) &&
    required.length === 1 &&
    required[0] === 'name' &&
    schemaTypes(childSchema(root, schema, 'name')).includes('string')
  );
}

function isCurrencySchema(schema: Schema | undefined): boolean {
  return isSchema(schema) && schema.pattern === '^[A-Z]{3}$';
}

function dedupe(changes: Changes): Changes {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const key = `${c.path}\u0000${c.kind}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
