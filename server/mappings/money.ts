// Exact money arithmetic on decimal strings and bigints. Amounts never pass through binary
// floating-point multiplication: a JSON number is read through its shortest decimal string
// (what JSON.stringify prints), so 0.1 stays 0.1, and strings keep any precision. Numbers a
// double cannot hold arrive here as decimal strings (exact-json.ts). A total may not be finer
// than the currency's minor unit; a unit price may (0.125 USD), its line amount may not.
import { readFileSync } from 'node:fs';

const table = JSON.parse(readFileSync(new URL('./data/iso4217.json', import.meta.url), 'utf8')) as {
  minor_units: Record<string, number>;
};
const MINOR_UNITS: ReadonlyMap<string, number> = new Map(Object.entries(table.minor_units));

export class MoneyError extends Error {}

/** The number of decimal digits of an active ISO 4217 currency (USD 2, JPY 0, BHD 3, CLF 4). */
export function minorUnitDigits(currency: string): number {
  const digits = MINOR_UNITS.get(currency);
  if (digits === undefined) {
    throw new MoneyError(`unknown currency "${currency}": not an active ISO 4217 code with minor units`);
  }
  return digits;
}

/** An exact decimal: value = units / 10^scale. */
interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Parses a JSON number or a decimal string ("12.50", "1e3", "-0.5") exactly. */
export function parseDecimal(value: number | string): Decimal {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new MoneyError(`${value} is not a finite number`);
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyError(`"${value}" is not a decimal number`);
  const [, sign, int, frac = '', exp = '0'] = m;
  let units = BigInt(`${sign}${int}${frac}`);
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return withoutTrailingZeros({ units, scale });
}

/** Trailing zeros carry no value: 10.500 USD is 1050 cents, 8 × 0.125 is 1. */
function withoutTrailingZeros({ units, scale }: Decimal): Decimal {
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

/** The plain decimal text of a number or decimal string: 1e3 → "1000", "2.50" → "2.5". */
export function canonicalDecimal(value: number | string): string {
  return decimalText(parseDecimal(value));
}

function decimalText({ units, scale }: Decimal): string {
  const sign = units < 0n ? '-' : '';
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function rescale(d: Decimal, digits: number, what: string, currency: string): bigint {
  if (d.scale > digits) {
    throw new MoneyError(
      `${what} has ${d.scale} fractional digits; ${currency} allows ${digits}` +
        (digits === 0 ? ' (no minor unit)' : ''),
    );
  }
  return d.units * 10n ** BigInt(digits - d.scale);
}

/**
 * amount in the currency's minor units: toMinorUnits(1000, "USD") === 100000n. `field` names
 * the amount in the refusal of one finer than the currency ("/amount 1.001 has 3 ...").
 */
export function toMinorUnits(amount: number | string, currency: string, field = 'amount'): bigint {
  return rescale(parseDecimal(amount), minorUnitDigits(currency), `${field} ${amount}`, currency);
}

/** quantity × unit price in minor units; rejects a product that is not a whole number of minor units. */
export function lineAmountMinor(quantity: number | string, unitPrice: number | string, currency: string, field = 'line amount'): bigint {
  const q = parseDecimal(quantity);
  const p = parseDecimal(unitPrice);
  const product = withoutTrailingZeros({ units: q.units * p.units, scale: q.scale + p.scale });
  return rescale(product, minorUnitDigits(currency), `${field} ${quantity} × ${unitPrice}`, currency);
}

/** A unit price as decimal text with at least the currency's digits: ("12.5", "USD") → "12.50", 0.125 → "0.125". */
export function formatUnitPrice(price: number | string, currency: string): string {
  const d = parseDecimal(price);
  const scale = Math.max(d.scale, minorUnitDigits(currency));
  return decimalText({ units: d.units * 10n ** BigInt(scale - d.scale), scale });
}

/** A unit price in whole minor units, or undefined when it is finer than the currency's minor unit. */
export function unitPriceMinorUnits(price: number | string, currency: string): bigint | undefined {
  const d = parseDecimal(price);
  const digits = minorUnitDigits(currency);
  return d.scale > digits ? undefined : d.units * 10n ** BigInt(digits - d.scale);
}

/** Minor units back to the decimal string with exactly the currency's digits: (100000n, "USD") → "1000.00". */
export function formatMinorUnits(minor: bigint, currency: string): string {
  return decimalText({ units: minor, scale: minorUnitDigits(currency) });
}

/** Parses a minor-units string as produced by toMinorUnits(...).toString(). */
export function parseMinorUnits(value: string): bigint {
  if (!/^-?\d+$/.test(value)) throw new MoneyError(`"${value}" is not an integer number of minor units`);
  return BigInt(value);
}
