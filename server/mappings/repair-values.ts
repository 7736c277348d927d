// Business values as people and models write them: amounts with thousands separators, locale
// decimals and currency marks, currency codes, dates. The deterministic repair uses only the
// unambiguous readings; the semantic guard uses them to find a repaired value in the original.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CODES = new Set(Object.keys((JSON.parse(readFileSync(path.join(here, 'data/iso4217.json'), 'utf8')) as { minor_units: Record<string, number> }).minor_units));

/** The ISO 4217 code, uppercased, or null when `text` is not one. */
export function currencyCode(text: string): string | null {
  const code = text.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) && CODES.has(code) ? code : null;
}

/** The codes a symbol agrees with; the first is the one it supplies when no code is given (null: it supplies none). */
export const CURRENCY_SYMBOLS: Record<string, { agrees: string[]; supplies: string | null }> = {
  $: { agrees: ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN'], supplies: 'USD' },
  '€': { agrees: ['EUR'], supplies: 'EUR' },
  '£': { agrees: ['GBP'], supplies: 'GBP' },
  '¥': { agrees: ['JPY', 'CNY'], supplies: null },
};

export type AmountReading =
  | { kind: 'amount'; value: string; currency: { code: string } | { symbol: string } | null }
  | { kind: 'ambiguous'; why: string }
  | { kind: 'none' };

const SPACE = '[ \\u00a0\\u202f]';
const NUMBER_FORMS: [RegExp, (m: string) => string | null][] = [
  [/^\d+(\.\d+)?$/, (m) => (/^\d{1,3}\.\d{3}$/.test(m) ? null : m)],
  [/^\d{1,3}(,\d{3})+(\.\d+)?$/, (m) => m.replaceAll(',', '')],
  [/^\d{1,3}(\.\d{3})+,\d+$/, (m) => m.replaceAll('.', '').replace(',', '.')],
  [/^\d{1,3}(\.\d{3}){2,}$/, (m) => m.replaceAll('.', '')],
  [new RegExp(`^\\d{1,3}(${SPACE}\\d{3})+(,\\d+)?$`), (m) => m.replace(new RegExp(SPACE, 'g'), '').replace(',', '.')],
];
const AMOUNT_TEXT = new RegExp(`^([$€£¥]|[A-Za-z]{3})?${SPACE}*([\\d.,\\u00a0\\u202f ]*\\d)${SPACE}*([$€£¥]|[A-Za-z]{3})?$`);

/**
 * Reads an amount written as text: `1,200.50`, `1.200,50 €`, `1 200,50`, `$1,200.50`, `USD 1200`.
 * `1,5` and `1.200` could each mean two amounts: ambiguous. Anything else is not an amount.
 */
export function readAmount(text: string): AmountReading {
  const m = AMOUNT_TEXT.exec(text.trim());
  if (!m) return { kind: 'none' };
  const [, before, digits, after] = m;
  const marks = [before, after].filter((x): x is string => x !== undefined);
  if (marks.length === 2) return { kind: 'ambiguous', why: `"${text}" carries two currency marks` };
  let currency: { code: string } | { symbol: string } | null = null;
  if (marks.length === 1) {
    const mark = marks[0]!;
    if (mark in CURRENCY_SYMBOLS) currency = { symbol: mark };
    else {
      const code = currencyCode(mark);
      if (!code) return { kind: 'none' };
      currency = { code };
    }
  }
  for (const [form, read] of NUMBER_FORMS) {
    if (!form.test(digits!)) continue;
    const value = read(digits!);
    return value === null ? { kind: 'ambiguous', why: `"${text}" could be a decimal or a thousands-separated amount` } : { kind: 'amount', value, currency };
  }
  return /^\d+[.,]\d+$/.test(digits!) ? { kind: 'ambiguous', why: `"${text}" could be a decimal or a thousands-separated amount` } : { kind: 'none' };
}

/** `1000`, `1000.00`, `1e3` and `+1000.0` all give `1e3`; null for anything not a plain decimal. */
export function canonicalDecimal(text: string): string | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const fraction = m[3] ?? '';
  let digits = (m[2]! + fraction).replace(/^0+/, '');
  let exponent = Number(m[4] ?? 0) - fraction.length;
  if (digits === '') return '0';
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${m[1] === '-' ? '-' : ''}${digits}e${exponent}`;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';

function isoDate(year: number, month: number, day: number): string | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return d.toISOString().slice(0, 10);
}

const monthOf = (name: string) => MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;

/** Date forms found in text, each read as YYYY-MM-DD; `03/04/2026` (day or month first?) is read as nothing. */
const DATE_FORMS: [RegExp, (m: RegExpExecArray) => string | null][] = [
  [/(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g, (m) => isoDate(+m[1]!, +m[2]!, +m[3]!)],
  [/(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)/g, (m) => isoDate(+m[3]!, +m[2]!, +m[1]!)],
  [
    /(?<!\d)(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?!\d)/g,
    (m) => {
      const [a, b] = [+m[1]!, +m[2]!];
      if (a > 12 && b <= 12) return isoDate(+m[3]!, b, a);
      if (b > 12 && a <= 12) return isoDate(+m[3]!, a, b);
      return a === b ? isoDate(+m[3]!, a, b) : null;
    },
  ],
  [new RegExp(`(?<![\\p{L}\\d])${DAY}[ -]${MONTH}[ -,]*(\\d{4})(?!\\d)`, 'giu'), (m) => isoDate(+m[3]!, monthOf(m[2]!), +m[1]!)],
  [new RegExp(`(?<!\\p{L})${MONTH} ${DAY},? (\\d{4})(?!\\d)`, 'giu'), (m) => isoDate(+m[3]!, monthOf(m[1]!), +m[2]!)],
];

/** Every date written in `text`, as YYYY-MM-DD. */
export function datesIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const [form, read] of DATE_FORMS) {
    for (const m of text.matchAll(form)) {
      const date = read(m as RegExpExecArray);
      if (date) found.add(date);
    }
  }
  return found;
}

/** The text with every date blanked out, so that a date's digits are not read as amounts. */
export function withoutDates(text: string): string {
  return DATE_FORMS.reduce((t, [form]) => t.replace(form, (m) => ' '.repeat(m.length)), text);
}

/** The one date `text` is, as YYYY-MM-DD, or null. */
export function readDate(text: string): string | null {
  const dates = datesIn(text.trim());
  return dates.size === 1 ? [...dates][0]! : null;
}

/** Text compared as a reader would: Unicode-normalised, case-folded, runs of spaces as one. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}
