'use client';
// Editing graduated overage tiers: one row per tier (threshold, unit price, Stripe item), with
// inline validation. Reserved capacity bounds every tier; the default catalog's last tier is
// open-ended ("every further unit").
import { useId } from 'react';
import { Button, Input } from './ui';

export interface TierRow {
  threshold: string;
  price: string;
  stripeItem: string;
}

const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$|^\.\d+$/;

/** One message per row (null when the row is fine). */
export function validateTierRows(rows: TierRow[], openEndedLast: boolean): (string | null)[] {
  let previous: bigint | null = null;
  return rows.map((row, i) => {
    const problems: string[] = [];
    const last = i === rows.length - 1;
    const threshold = row.threshold.trim();
    if (!(openEndedLast && last)) {
      if (!WHOLE.test(threshold) || BigInt(threshold) <= 0n) problems.push('threshold must be a whole number above 0');
      else {
        if (previous !== null && BigInt(threshold) <= previous) problems.push('thresholds must increase from tier to tier');
        previous = BigInt(threshold);
      }
    }
    const price = row.price.trim();
    if (!DECIMAL.test(price) || !/[1-9]/.test(price)) problems.push('price must be a positive number of dollars, e.g. 0.005');
    return problems.length > 0 ? problems.join('; ') : null;
  });
}

export function TierEditor({
  legend,
  unit,
  rows,
  errors,
  openEndedLast,
  onChange,
}: {
  legend: string;
  unit: string;
  rows: TierRow[];
  errors: (string | null)[];
  openEndedLast: boolean;
  onChange: (rows: TierRow[]) => void;
}) {
  const idPrefix = useId();
  const update = (i: number, patch: Partial<TierRow>) => onChange(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-semibold text-slate-900 dark:text-slate-100">{legend}</legend>
      <p className="text-xs text-slate-500 dark:text-slate-400">
        Thresholds count billable {unit} cumulatively from the first billable one; units past the last threshold are charged at the last tier&apos;s price.
      </p>
      {rows.map((row, i) => {
        const last = i === rows.length - 1;
        const error = errors[i];
        // A row's error describes the two inputs it is about.
        const invalid = error ? { 'aria-invalid': true, 'aria-describedby': `${idPrefix}-${i}-error` } : {};
        return (
          <div key={i} className="rounded-md bg-slate-50 dark:bg-slate-800/50 p-3 ring-1 ring-slate-200 dark:ring-slate-700">
            <div className="grid gap-3 sm:grid-cols-[1fr_1fr_1.5fr_auto] sm:items-end">
              <div className="space-y-1">
                <label htmlFor={`${idPrefix}-${i}-threshold`} className="block text-xs font-medium text-slate-700 dark:text-slate-300">
                  Tier {i + 1}: up to ({unit})
                </label>
                {openEndedLast && last ? (
                  <Input id={`${idPrefix}-${i}-threshold`} value="every further unit" disabled />
                ) : (
                  <Input id={`${idPrefix}-${i}-threshold`} inputMode="numeric" value={row.threshold} onChange={(e) => update(i, { threshold: e.target.value })} {...invalid} />
                )}
              </div>
              <div className="space-y-1">
                <label htmlFor={`${idPrefix}-${i}-price`} className="block text-xs font-medium text-slate-700 dark:text-slate-300">
                  Tier {i + 1}: price per unit (USD)
                </label>
                <Input id={`${idPrefix}-${i}-price`} inputMode="decimal" value={row.price} onChange={(e) => update(i, { price: e.target.value })} {...invalid} />
              </div>
              <div className="space-y-1">
                <label htmlFor={`${idPrefix}-${i}-item`} className="block text-xs font-medium text-slate-700 dark:text-slate-300">
                  Tier {i + 1}: Stripe item (optional)
                </label>
                <Input id={`${idPrefix}-${i}-item`} className="font-mono" value={row.stripeItem} onChange={(e) => update(i, { stripeItem: e.target.value })} />
              </div>
              <Button variant="ghost" disabled={rows.length === 1} onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Remove tier ${i + 1}`}>
                Remove
              </Button>
            </div>
            {error && (
              <p id={`${idPrefix}-${i}-error`} role="alert" className="mt-2 text-xs text-red-700 dark:text-red-300">
                Tier {i + 1}: {error}
              </p>
            )}
          </div>
        );
      })}
      <Button
        variant="secondary"
        disabled={rows.length >= 20}
        onClick={() => {
          // A new bounded tier goes before an open-ended last one.
          const fresh = { threshold: '', price: '', stripeItem: '' };
          onChange(openEndedLast ? [...rows.slice(0, -1), fresh, rows.at(-1)!] : [...rows, fresh]);
        }}
      >
        Add tier
      </Button>
    </fieldset>
  );
}
