// JSON text read as the client wrote it. JSON.parse turns every number into a binary double,
// so 123456789012345678 becomes 123456789012345680 and 1.0000000000000001 becomes 1, and a
// signed receipt would then carry an amount the client never sent. Here a number whose
// double has the same decimal value stays a number; any other becomes the exact decimal
// string of its digits, which the money functions read exactly (and refuse when it has
// more digits than the currency has).
import { parse } from 'lossless-json';

// A plain decimal of at most 15 significant digits survives the trip through a double
// (DBL_DIG = 15); its JSON text has no run of 16 digits or dots and no exponent. Text
// without one of those parses exactly with JSON.parse, which is the common case and the
// fast one; the pattern also matches long digit runs inside strings, which only costs a
// second parse.
const MAY_LOSE_DIGITS = /\d[\d.]{15}|\d[eE]/;

/** Whether JSON.parse could round a number in `text` (false: it cannot). */
export function mayLoseDigits(text: string): boolean {
  return MAY_LOSE_DIGITS.test(text);
}

/** JSON.parse, except that a number no double holds exactly becomes its decimal string. */
export function parseJsonExact(text: string): unknown {
  const value: unknown = JSON.parse(text); // JSON.parse's verdict and messages on malformed text
  return mayLoseDigits(text) ? parseNumbersExactly(text) : value;
}

/** Parses JSON text already known to be valid, numbers as parseJsonExact reads them. */
export function parseNumbersExactly(text: string): unknown {
  // The last of duplicate keys wins, as with JSON.parse.
  return parse(text, null, { parseNumber: exactNumber, onDuplicateKey: ({ newValue }) => newValue });
}

// A decimal string is written out in full only up to this exponent; beyond it the lexeme is
// kept as written (no amount schema accepts it), so "1e1000000000" costs no billion digits.
const MAX_PLAIN_EXPONENT = 100;

function exactNumber(lexeme: string): number | string {
  const double = Number(lexeme);
  const written = decimalParts(lexeme);
  const read = Number.isFinite(double) ? decimalParts(String(double)) : null;
  if (read && read.digits === written.digits && read.exponent === written.exponent) return double;
  return Math.abs(written.exponent) > MAX_PLAIN_EXPONENT ? lexeme : plainDecimal(written);
}

interface DecimalParts {
  /** Significant digits with the sign, no leading or trailing zeros ("0" for zero). */
  digits: string;
  /** The power of ten of the last digit: value = digits × 10^exponent. */
  exponent: number;
}

function decimalParts(text: string): DecimalParts {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const [, sign, int, frac = '', exp = '0'] = m;
  const all = `${int}${frac}`;
  const first = all.search(/[1-9]/);
  if (first === -1) return { digits: '0', exponent: 0 };
  const significant = all.slice(first).replace(/0+$/, '');
  const trailingZeros = all.length - first - significant.length;
  return { digits: `${sign}${significant}`, exponent: Number(exp) - frac.length + trailingZeros };
}

function plainDecimal({ digits, exponent }: DecimalParts): string {
  const sign = digits.startsWith('-') ? '-' : '';
  const unsigned = sign ? digits.slice(1) : digits;
  if (exponent >= 0) return `${sign}${unsigned}${'0'.repeat(exponent)}`;
  const padded = unsigned.padStart(-exponent + 1, '0');
  return `${sign}${padded.slice(0, exponent)}.${padded.slice(exponent)}`;
}

/**
 * The JSON Pointer of the first string or key in `value` that is not well-formed Unicode (a
 * lone surrogate such as "\ud800", which JSON text can spell but UTF-8 cannot carry, and
 * RFC 8785 refuses to canonicalize), or null when there is none.
 */
export function loneSurrogatePath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.isWellFormed() ? null : path || '/';
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = loneSurrogatePath(value[i], `${path}/${i}`);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const at = `${path}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (!k.isWellFormed()) return at;
    const found = loneSurrogatePath(v, at);
    if (found !== null) return found;
  }
  return null;
}
