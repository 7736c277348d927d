'use client';
// A moment in the reader's locale and time zone, with the exact UTC time in the tooltip.
import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/** `precise`: with seconds and the time zone (logs, receipts). */
export function DateTime({ value, empty = '—', precise = false }: { value: Date | string | null | undefined; empty?: string; precise?: boolean }) {
  // The server renders UTC; the browser re-renders in the reader's locale after hydration.
  const local = useSyncExternalStore(subscribe, () => true, () => false);
  if (!value) return <span className="text-slate-500 dark:text-slate-400">{empty}</span>;
  const date = typeof value === 'string' ? new Date(value) : value;
  const utc = date.toISOString().replace('T', ' ').replace(precise ? /Z$/ : /\.\d+Z$/, ' UTC');
  const shown = local ? date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: precise ? 'long' : 'short' }) : utc;
  return (
    <time dateTime={date.toISOString()} title={utc}>
      {shown}
    </time>
  );
}
