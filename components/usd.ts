// US dollar display for billing pages: totals in whole cents ("$1,999.00") and unit prices
// exactly, however small ("$0.0008"). Input is exact (bigint cents or 1e-10 USD money units).
import { formatCents, formatUsd, type Money } from '@/lib/money';

function display(negative: boolean, whole: string, frac: string): string {
  return `${negative ? '−' : ''}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac.padEnd(2, '0')}`;
}

/** 49905n → "$499.05". */
export function usdCents(cents: bigint): string {
  const [whole = '0', frac = ''] = formatCents(cents < 0n ? -cents : cents).split('.');
  return display(cents < 0n, whole, frac);
}

/** Exact dollars, at least two decimals: 8_000_000n → "$0.0008", 4_990_000_000_000n → "$499.00". */
export function usdExact(amount: Money): string {
  const [whole = '0', frac = ''] = formatUsd(amount < 0n ? -amount : amount).split('.');
  return display(amount < 0n, whole, frac);
}
