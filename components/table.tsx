// A plain responsive table: scrolls horizontally on narrow screens instead of squashing, with
// its first column (what a row is) held in place, and its last one too when asked (actions, amounts).
import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import { cx } from './cx';

// Cells spanning the row (confirmations, empty states) scroll with it. On phones a soft shadow
// marks the edge the other columns slide under.
const stickyFirst =
  '[&_tr>*:not([colspan]):first-child]:sticky [&_tr>*:not([colspan]):first-child]:left-0 [&_tr>*:not([colspan]):first-child]:bg-white dark:[&_tr>*:not([colspan]):first-child]:bg-slate-900 max-sm:[&_tr>*:not([colspan]):first-child]:shadow-[6px_0_6px_-6px_rgb(0_0_0/0.2)]';
const stickyLast =
  '[&_tr>*:not([colspan]):last-child]:sticky [&_tr>*:not([colspan]):last-child]:right-0 [&_tr>*:not([colspan]):last-child]:bg-white dark:[&_tr>*:not([colspan]):last-child]:bg-slate-900 max-sm:[&_tr>*:not([colspan]):last-child]:shadow-[-6px_0_6px_-6px_rgb(0_0_0/0.2)]';

/** `pinLastColumn`: the last column (the row's actions, or the amount it comes to) stays in view on phones too. */
export function Table({ caption, pinLastColumn = false, children }: { caption: string; pinLastColumn?: boolean; children: ReactNode }) {
  return (
    // Focusable so a keyboard can scroll it when it overflows (axe: scrollable-region-focusable).
    <div className="-mx-4 overflow-x-auto sm:mx-0" tabIndex={0} role="region" aria-label={caption}>
      <table className={cx('min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-700', stickyFirst, pinLastColumn && stickyLast)}>
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
