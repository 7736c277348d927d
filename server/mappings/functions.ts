// The named functions that mapping expressions may call, registered on every compiled
// JSONata expression. Each one either returns a value or throws a MappingFunctionError whose
// message is meant for the API caller.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type jsonata from 'jsonata';
import {
  canonicalDecimal,
  formatMinorUnits,
  formatUnitPrice,
  lineAmountMinor,
  MoneyError,
  parseMinorUnits,
  toMinorUnits,
  unitPriceMinorUnits,
} from './money';

export class MappingFunctionError extends Error {}

export interface MappingFunction {
  name: string;
  /** JSONata signature, checked by JSONata before the call. */
  signature: string;
  implementation: Parameters<jsonata.Expression['registerFunction']>[1];
}

export interface FunctionOptions {
  /** Secret mixed into pseudonyms so that they cannot be recomputed from a guessed identifier. */
  pseudonymKey: string;
}

const RESTRICTED_ZIP3: ReadonlySet<string> = new Set(
  (
    JSON.parse(readFileSync(new URL('./data/hipaa-restricted-zip3.json', import.meta.url), 'utf8')) as {
      restricted: string[];
    }
  ).restricted,
);

function money<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof MoneyError) throw new MappingFunctionError(err.message);
    throw err;
  }
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:$|T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$)/;

/** The calendar date of a date or an RFC 3339 date-time, as written (not shifted to UTC). */
export function isoDate(value: string): string {
  const m = DATE_PREFIX.exec(value);
  const date = m && { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (!date || date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) {
    throw new MappingFunctionError(`"${value}" is not a calendar date (YYYY-MM-DD) or RFC 3339 date-time`);
  }
  return value.slice(0, 10);
}

/** A FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) as the last day it may stand for. */
function latestDay(fhirDate: string): CalendarDate {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(fhirDate);
  if (!m) throw new MappingFunctionError(`"${fhirDate}" is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)`);
  const year = Number(m[1]);
  const month = m[2] === undefined ? 12 : Number(m[2]);
  if (month < 1 || month > 12) throw new MappingFunctionError(`"${fhirDate}" has no month ${month}`);
  const day = m[3] === undefined ? daysInMonth(year, month) : Number(m[3]);
  if (day < 1 || day > daysInMonth(year, month)) throw new MappingFunctionError(`"${fhirDate}" is not a calendar date`);
  return { year, month, day };
}

/**
 * Ten-year age band on `asOf` ("40-49"), with every age from 90 up pooled as "90+" (HIPAA
 * Safe Harbor). A partial birth date counts from its last possible day: the youngest age.
 */
export function ageBand(birthDate: string, asOf: string): string {
  const born = latestDay(birthDate);
  const on = latestDay(isoDate(asOf));
  const hadBirthday = on.month > born.month || (on.month === born.month && on.day >= born.day);
  const age = on.year - born.year - (hadBirthday ? 0 : 1);
  if (age < 0) throw new MappingFunctionError(`birth date ${birthDate} is after ${asOf}`);
  if (age >= 90) return '90+';
  const low = Math.floor(age / 10) * 10;
  return `${low}-${low + 9}`;
}

/** The first three digits of a US ZIP code, "000" where Safe Harbor forbids them; undefined elsewhere. */
export function generalizeZip(postalCode: string, country: string | undefined): string | undefined {
  if (country === undefined || !['US', 'USA'].includes(country.trim().toUpperCase())) return undefined;
  const m = /^(\d{3})\d{2}(?:-\d{4})?$/.exec(postalCode.trim());
  if (!m) return undefined;
  const zip3 = m[1]!;
  return RESTRICTED_ZIP3.has(zip3) ? '000' : zip3;
}

/**
 * The one value that fields naming the same thing agree on ({"buyer.name": …, "customer_name": …}),
 * undefined when none is given; refuses values that differ, naming each field and its value.
 */
export function agreed(spellings: Record<string, unknown>): unknown {
  const given = Object.entries(spellings).filter(([, v]) => v !== undefined);
  const [first] = given;
  const other = given.find(([, v]) => JSON.stringify(v) !== JSON.stringify(first?.[1]));
  if (first && other) {
    throw new MappingFunctionError(
      `${first[0]} ${JSON.stringify(first[1])} and ${other[0]} ${JSON.stringify(other[1])} differ: they name the same thing, so give it once or the same in each`,
    );
  }
  return first?.[1];
}

export function mappingFunctions(options: FunctionOptions): MappingFunction[] {
  return [
    {
      name: 'to_minor',
      signature: '<(ns)ss?:s>',
      implementation: (amount: number | string, currency: string, field?: string) =>
        money(() => toMinorUnits(amount, currency, field).toString()),
    },
    {
      name: 'format_amount',
      signature: '<(ns)ss?:s>',
      implementation: (amount: number | string, currency: string, field?: string) =>
        money(() => formatMinorUnits(toMinorUnits(amount, currency, field), currency)),
    },
    {
      name: 'format_price',
      signature: '<(ns)s:s>',
      implementation: (price: number | string, currency: string) => money(() => formatUnitPrice(price, currency)),
    },
    {
      name: 'price_amount',
      signature: '<(ns)s:o>',
      // An Amount object whose minor_units is there only when the price is whole minor units.
      implementation: (price: number | string, currency: string) =>
        money(() => {
          const minor = unitPriceMinorUnits(price, currency);
          return { currency, value: formatUnitPrice(price, currency), ...(minor !== undefined && { minor_units: minor.toString() }) };
        }),
    },
    {
      name: 'decimal',
      signature: '<(ns):s>',
      implementation: (value: number | string) => money(() => canonicalDecimal(value)),
    },
    {
      name: 'line_minor',
      signature: '<(ns)(ns)ss?:s>',
      implementation: (quantity: number | string, unitPrice: number | string, currency: string, field?: string) =>
        money(() => lineAmountMinor(quantity, unitPrice, currency, field).toString()),
    },
    {
      name: 'sum_minor',
      signature: '<a<s>:s>',
      implementation: (values: string[]) =>
        money(() => values.reduce((total, v) => total + parseMinorUnits(v), 0n).toString()),
    },
    {
      name: 'minor_to_decimal',
      signature: '<ss:s>',
      implementation: (minor: string, currency: string) =>
        money(() => formatMinorUnits(parseMinorUnits(minor), currency)),
    },
    { name: 'agreed', signature: '<x:x>', implementation: agreed },
    { name: 'iso_date', signature: '<s:s>', implementation: isoDate },
    { name: 'age_band', signature: '<ss:s>', implementation: ageBand },
    { name: 'generalize_zip', signature: '<ss?:s>', implementation: generalizeZip },
    {
      name: 'pseudonym',
      signature: '<ss:s>',
      // Keyed per tenant too: the same patient gets unrelated pseudonyms at two tenants.
      implementation: (value: string, tenant: string) =>
        createHmac('sha256', options.pseudonymKey).update(`${tenant}\n${value}`).digest('hex'),
    },
  ];
}
