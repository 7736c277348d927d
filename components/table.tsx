// A plain responsive table: scrolls horizontally on narrow screens instead of squashing.
import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import { cx } from './ui';

export function Table({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    // Focusable so a keyboard can scroll it when it overflows (axe: scrollable-region-focusable).
    <div className="-mx-4 overflow-x-auto sm:mx-0" tabIndex={0} role="region" aria-label={caption}>
      <table className="min-w-full divide-y divide-slate-200 dark:divide-slate-700 text-sm">
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export function Th({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" {...props} className={cx('whitespace-nowrap px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400', className)} />;
}

export function Td({ className, ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td {...props} className={cx('px-3 py-2 align-top text-slate-700 dark:text-slate-300', className)} />;
}
