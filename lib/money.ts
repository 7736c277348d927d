// Exact money, shared by the billing domain (server/billing) and the portal's displays. An
// amount is a bigint count of 1e-10 US dollars ("money units"), the precision of the price
// columns (Decimal(20,10)), so sub-cent prices such as $0.0008 stay exact and units × price
// never touches binary floating point. Amounts are rounded to whole cents only where an
// invoice line is shown: half-up (ties away from zero) on the line total.

/** Digits after the dollar point that one money unit represents. */
export const MONEY_SCALE = 10;
/** Money units per US dollar. */
export const UNITS_PER_DOLLAR = 10n ** BigInt(MONEY_SCALE);
const UNITS_PER_CENT = UNITS_PER_DOLLAR / 100n;

/** An exact amount in 1e-10 USD. */
export type Money = bigint;

const DECIMAL = /^([+-]?)(\d+)?(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal string of dollars ("0.0008", "499", "1e-7") exactly. Rejects anything with
 * more precision than one money unit instead of rounding it away.
 */
export function parseUsd(text: string): Money {
  const match = DECIMAL.exec(text.trim());
  if (!match || (match[2] === undefined && !match[3])) throw new Error(`"${text}" is not a decimal number`);
  const [, sign, intPart = '', fracPart = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  if (Math.abs(exponent) > 100) throw new Error(`"${text}" is out of range`);
  const digits = BigInt(intPart + fracPart || '0');
  const shift = MONEY_SCALE - fracPart.length + exponent; // value in units = digits × 10^shift
  if (shift >= 0) return applySign(sign, digits * 10n ** BigInt(shift));
  const divisor = 10n ** BigInt(-shift);
  if (digits % divisor !== 0n) throw new Error(`"${text}" has more than ${MONEY_SCALE} decimal places of a dollar`);
  return applySign(sign, digits / divisor);
}

function applySign(sign: string | undefined, value: bigint): Money {
  return sign === '-' ? -value : value;
}

/** A JSON number of dollars, read through its shortest round-trip decimal string. */
export function usdFromNumber(value: number): Money {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a finite number`);
  return parseUsd(String(value));
}

/** The exact decimal dollar string, without trailing zeros: 5000000n → "0.0005". */
export function formatUsd(amount: Money): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const whole = abs / UNITS_PER_DOLLAR;
  const frac = (abs % UNITS_PER_DOLLAR).toString().padStart(MONEY_SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Rounds to whole cents, half-up (ties away from zero). */
export function toCents(amount: Money): bigint {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const cents = (abs + UNITS_PER_CENT / 2n) / UNITS_PER_CENT;
  return negative ? -cents : cents;
}

export function fromCents(cents: bigint): Money {
  return cents * UNITS_PER_CENT;
}

/** Whole cents as a dollar string with two decimals: 49900n → "499.00". */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** The amount in cents as an exact decimal string, Stripe's `unit_amount_decimal`: $0.005 → "0.5". */
export function toCentsDecimal(amount: Money): string {
  return formatUsd(amount * 100n);
}
