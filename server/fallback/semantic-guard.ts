// Keeps an LLM repair from corrupting business data by value provenance: every business value
// in the repair (amounts, currencies, identifiers, dates, names) must be found in the original
// text after normalisation (`$1,200.50`, `1.200,50 €`, `USD 1200`, `15 March 2026`, case and
// spacing of names), wherever the original had it: under another key, in prose, or in a JSON
// text inside a string. A value found nowhere was invented; a value under the same key as in the
// original must be the same value. Free text (notes, descriptions) and schema constants and
// defaults are not business values.
import { canonicalDecimal, currencyCode, CURRENCY_SYMBOLS, datesIn, foldText, readAmount, readDate, withoutDates } from '../mappings/repair-values';
import { childSchema, jsonPointer, resolve, schemaTypes, type Schema } from '../mappings/schema-nav';
import type { ReceiptRepair } from '../receipts/types';
import { scanPairs, type PathSegment, type Recovered } from './tolerant-scan';

export { canonicalDecimal } from '../mappings/repair-values';

export type SemanticViolationKind = 'amount_changed' | 'currency_changed' | 'id_changed' | 'date_changed' | 'name_changed' | 'invented_value';

export interface SemanticViolation {
  /** Dotted path of the field, array positions in brackets: `items[0].price`. */
  field: string;
  kind: SemanticViolationKind;
  original?: string;
  repaired: string;
  message: string;
}

type ValueKind = 'amount' | 'currency' | 'id' | 'date' | 'name';

const CURRENCY = /(^|_)(currency|ccy)(_|$)/;
const DATE = /(^|_)(date|dob|birthdate|birthday|deadline)(_|$)|_(at|on)$/;
const ID = /(^|_)(id|ids|uuid|guid|mrn|number|no|num|ref|reference|code|sku|iban|account|value)$/;
const FREE_TEXT = /(^|_)(notes?|memo|description|comments?|remarks?|text|display)$/;

interface Evidence {
  amounts: Set<string>;
  currencies: Set<string>;
  dates: Set<string>;
  instants: Set<number>;
  raw: string;
  folded: string;
  pairs: Map<string, Recovered[]>;
}

// An amount as written in prose: optional currency mark, digits with separators, optional mark.
const AMOUNT_IN_TEXT = /(?<![\p{L}\p{N}_.,\-/#])(?:([$€£¥])\s?)?(\d(?:[\d.,\u00a0\u202f ]*\d)?)(?:\s?([$€£¥]|[A-Za-z]{3}(?!\p{L})))?(?!\p{N})/gu;
const CODE_IN_TEXT = /(?<!\p{L})[A-Z]{3}(?!\p{L})/gu;
const INSTANT_IN_TEXT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?/g;

export function checkProvenance(originalText: string, repaired: object, schema: object): SemanticViolation[] {
  const evidence = gather(originalText);
  const root = schema as Schema;
  const violations: SemanticViolation[] = [];
  const walk = (value: unknown, sub: Schema | undefined, path: PathSegment[]) => {
    if (Array.isArray(value)) return value.forEach((item, i) => walk(item, childSchema(root, sub, i), [...path, i]));
    if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) walk(child, childSchema(root, sub, key), [...path, key]);
      return;
    }
    if ((typeof value !== 'string' && typeof value !== 'number') || value === '' || exempt(value, sub, path)) return;
    const kind = kindOf(value, sub, path);
    const shown = String(value);
    const field = fieldName(path);
    const originals = (evidence.pairs.get(shape(path)) ?? []).flatMap((r) => (r.kind === 'string' || r.kind === 'number' ? [recoveredText(r)] : []));
    if (originals.some((o) => sameValue(kind, o, value))) return;
    if (originals.length > 0) {
      const original = originals.at(-1)!;
      violations.push({ field, kind: `${kind}_changed`, original, repaired: shown, message: `${field} (${kind}) was "${original}" in the original but "${shown}" in the repair` });
    } else if (!found(evidence, kind, value)) {
      violations.push({ field, kind: 'invented_value', repaired: shown, message: `${field} (${kind}) "${shown}" is found nowhere in the original text` });
    }
  };
  walk(repaired, resolve(root, root), []);
  return violations;
}

/** The receipt's record of an LLM repair: every path whose value is not, as written, under the same key in the original. */
export function llmRepairRecord(originalText: string, repaired: object): ReceiptRepair {
  const pairs = byPath(scanPairs(originalText));
  const changes: ReceiptRepair['changes'] = [];
  const walk = (value: unknown, path: PathSegment[]) => {
    if (typeof value === 'object' && value !== null) {
      Object.entries(value).forEach(([key, child]) => walk(child, [...path, Array.isArray(value) ? Number(key) : key]));
      return;
    }
    const same = (pairs.get(shape(path)) ?? []).some(
      (r) => (r.kind === 'string' && r.text === value) || (r.kind === 'number' && typeof value === 'number' && canonicalDecimal(r.text) === canonicalDecimal(String(value))) || (r.kind === 'literal' && r.text === String(value)),
    );
    if (!same) changes.push({ path: jsonPointer(path), kind: 'llm' });
  };
  walk(repaired, []);
  return { method: 'llm', changes: changes.length > 0 ? changes : [{ path: '', kind: 'llm' }] };
}

function gather(text: string): Evidence {
  const recovered = scanPairs(text);
  const strings = recovered.flatMap((r) => (r.kind === 'string' ? [r.text] : []));
  // JSON text inside a string: its values count as the original's too.
  const nested = strings.filter((s) => /^\s*[[{]/.test(s)).flatMap((s) => scanPairs(s));
  const all = [...recovered, ...nested];
  const raw = [text, ...strings, ...nested.flatMap((r) => (r.kind === 'string' ? [r.text] : []))].join('\n');
  const amounts = new Set<string>();
  const currencies = new Set<string>();
  for (const r of all) {
    if (r.kind === 'number') addDecimal(amounts, r.text);
    if (r.kind === 'string' && CURRENCY.test(keyOf(r.path))) {
      const code = currencyCode(r.text);
      if (code) currencies.add(code);
    }
  }
  const prose = withoutDates(raw);
  for (const m of prose.matchAll(AMOUNT_IN_TEXT)) {
    const [, before, digits, after] = m;
    for (const part of [digits!, ...digits!.split(/[\s\u00a0\u202f]+/)]) {
      const reading = readAmount(part);
      if (reading.kind === 'amount') addDecimal(amounts, reading.value);
      else if (/^\d+(\.\d+)?$/.test(part)) addDecimal(amounts, part);
    }
    for (const mark of [before, after]) {
      if (!mark) continue;
      if (mark in CURRENCY_SYMBOLS) addSymbol(currencies, mark);
      else if (currencyCode(mark)) currencies.add(currencyCode(mark)!);
    }
  }
  for (const symbol of Object.keys(CURRENCY_SYMBOLS)) if (raw.includes(symbol)) addSymbol(currencies, symbol);
  for (const [code] of raw.matchAll(CODE_IN_TEXT)) if (currencyCode(code)) currencies.add(code);
  const instants = new Set([...raw.matchAll(INSTANT_IN_TEXT)].map(([t]) => Date.parse(t)).filter((t) => !Number.isNaN(t)));
  return { amounts, currencies, dates: datesIn(raw), instants, raw, folded: foldText(raw), pairs: byPath(recovered) };
}

/** A symbol is evidence of the one currency it stands for alone (`$`: USD); `¥` of none. */
function addSymbol(set: Set<string>, symbol: string) {
  const supplies = CURRENCY_SYMBOLS[symbol]!.supplies;
  if (supplies) set.add(supplies);
}

function addDecimal(set: Set<string>, text: string) {
  const canonical = canonicalDecimal(text);
  if (canonical) set.add(canonical);
}

function byPath(recovered: Recovered[]): Map<string, Recovered[]> {
  const map = new Map<string, Recovered[]>();
  for (const r of recovered) map.set(shape(r.path), [...(map.get(shape(r.path)) ?? []), r]);
  return map;
}

function exempt(value: string | number, schema: Schema | undefined, path: PathSegment[]): boolean {
  if (schema && ('const' in schema || ('default' in schema && schema.default === value))) return true;
  return typeof value === 'string' && FREE_TEXT.test(keyOf(path)) && kindOfKey(keyOf(path), schema) === null;
}

function kindOfKey(key: string, schema: Schema | undefined): ValueKind | null {
  if (CURRENCY.test(key) || schema?.pattern === '^[A-Z]{3}$') return 'currency';
  if (DATE.test(key) || schema?.format === 'date' || schema?.format === 'date-time' || (typeof schema?.pattern === 'string' && schema.pattern.startsWith('^\\d{4}'))) return 'date';
  if (ID.test(key)) return 'id';
  return null;
}

function kindOf(value: string | number, schema: Schema | undefined, path: PathSegment[]): ValueKind {
  if (typeof value === 'number') return 'amount';
  const types = schemaTypes(schema);
  if (types.includes('number') || types.includes('integer')) return 'amount';
  return kindOfKey(keyOf(path), schema) ?? 'name';
}

function found(evidence: Evidence, kind: ValueKind, value: string | number): boolean {
  const text = String(value);
  switch (kind) {
    case 'amount': {
      const reading = typeof value === 'number' ? text : readAmount(text).kind === 'amount' ? (readAmount(text) as { value: string }).value : null;
      const canonical = reading === null ? null : canonicalDecimal(reading);
      return canonical !== null && evidence.amounts.has(canonical);
    }
    case 'currency':
      return evidence.currencies.has(text.trim().toUpperCase());
    case 'date': {
      if (/T\d{2}:/.test(text)) return evidence.instants.has(Date.parse(text)) || containsWord(evidence.raw, text);
      const date = readDate(text);
      return (date !== null && evidence.dates.has(date)) || containsWord(evidence.raw, text);
    }
    case 'id':
      return containsWord(evidence.raw, text.trim());
    case 'name':
      return containsWord(evidence.folded, foldText(text));
  }
}

/** `needle` in `haystack`, not as part of a longer word or number. */
function containsWord(haystack: string, needle: string): boolean {
  if (needle === '') return false;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    const before = haystack[at - 1] ?? ' ';
    const after = haystack[at + needle.length] ?? ' ';
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
  }
  return false;
}

function sameValue(kind: ValueKind, original: string, repaired: string | number): boolean {
  const text = String(repaired);
  if (original === text) return true;
  switch (kind) {
    case 'amount': {
      const a = readAmount(original);
      const b = typeof repaired === 'number' ? text : readAmount(text).kind === 'amount' ? (readAmount(text) as { value: string }).value : null;
      return a.kind === 'amount' && b !== null && canonicalDecimal(a.value) === canonicalDecimal(b);
    }
    case 'currency': {
      const mark = CURRENCY_SYMBOLS[original.trim()];
      return currencyCode(original) === text.trim().toUpperCase() || (mark?.supplies ?? null) === text;
    }
    case 'date': {
      if (/T\d{2}:/.test(original) || /T\d{2}:/.test(text)) {
        const a = Date.parse(original);
        return !Number.isNaN(a) && a === Date.parse(text);
      }
      const a = readDate(original);
      return a !== null && a === readDate(text);
    }
    case 'id':
      return original.trim() === text.trim();
    case 'name':
      return foldText(original) === foldText(text);
  }
}

function recoveredText(r: Recovered): string {
  if (r.kind === 'number') return r.text;
  if (r.kind !== 'string') return '';
  // An unclosed string ran to the end of its line and may have swallowed closing punctuation.
  return r.closed ? r.text : r.text.replace(/[\s,}\]]+$/, '');
}

function keyOf(path: PathSegment[]): string {
  const name = path.findLast((s): s is string => typeof s === 'string') ?? '';
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

/** Array positions wildcarded: a broken text's element count is the least reliable part of it. */
function shape(path: PathSegment[]): string {
  return JSON.stringify(path.map((s) => (typeof s === 'number' ? '*' : s)));
}

function fieldName(path: PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('') || '(root)';
}
