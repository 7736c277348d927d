'use client';
// A moment in the reader's locale and time zone, with the exact UTC time in the tooltip.
import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

export function DateTime({ value, empty = '—' }: { value: Date | string | null | undefined; empty?: string }) {
  // The server renders UTC; the browser re-renders in the reader's locale after hydration.
  const local = useSyncExternalStore(subscribe, () => true, () => false);
  if (!value) return <span className="text-slate-500">{empty}</span>;
  const date = typeof value === 'string' ? new Date(value) : value;
  const utc = date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const shown = local ? date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : utc;
  return (
    <time dateTime={date.toISOString()} title={utc}>
      {shown}
    </time>
  );
}
