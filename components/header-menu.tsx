'use client';
// The top bar's areas and account controls. From the `lg` breakpoint up they sit in the bar; on
// a phone they fold behind one "Menu" button (a disclosure: each control exists once, so nothing
// is duplicated for assistive technology), keeping the bar one row high. Escape or a click
// outside closes the menu; Escape returns focus to its button.
import Link from 'next/link';
import { useEffect, useId, useRef, useState } from 'react';
import type { NavItem } from './app-shell';
import { cx } from './cx';
import { SignOutButton } from './sign-out-button';
import { ThemeToggle } from './theme-toggle';

export function HeaderMenu({ areas, area, userName, email }: { areas: NavItem[]; area: string; userName: string; email: string }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return (
    <div ref={root} className="flex min-w-0 flex-1 items-center justify-end lg:justify-between">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 lg:hidden dark:text-slate-200 dark:ring-slate-600 dark:hover:bg-slate-800"
      >
        <span aria-hidden>{open ? '✕' : '☰'}</span>
        Menu
      </button>
      <div
        id={panelId}
        className={cx(
          open ? 'flex' : 'hidden',
          // Phone: a panel under the bar. sm and up: inline, areas on the left, account on the right.
          'absolute inset-x-0 top-full z-40 flex-col gap-4 border-b border-slate-200 bg-white px-4 py-4 shadow-md dark:border-slate-700 dark:bg-slate-900',
          'lg:static lg:z-auto lg:flex lg:flex-1 lg:flex-row lg:items-center lg:justify-between lg:gap-3 lg:border-0 lg:bg-transparent lg:p-0 lg:shadow-none lg:dark:bg-transparent',
        )}
      >
        <nav aria-label="Areas" className="text-sm lg:ml-6">
          <ul className="flex flex-col gap-1 lg:flex-row">
            {areas.map((a) => (
              <li key={a.href}>
                <Link
                  href={a.href}
                  onClick={() => setOpen(false)}
                  aria-current={a.label === area ? 'true' : undefined}
                  className={cx('block rounded-md px-2 py-1', a.label === area ? 'bg-slate-100 font-medium text-slate-900 dark:bg-slate-800 dark:text-slate-100' : 'text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white')}
                >
                  {a.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4 text-sm text-slate-600 lg:flex-nowrap lg:border-0 lg:pt-0 dark:border-slate-700 dark:text-slate-400">
          <span className="w-full truncate lg:w-auto lg:max-w-48" title={email}>
            <span className="lg:sr-only">Signed in as </span>
            {userName}
          </span>
          <ThemeToggle />
          <SignOutButton />
        </div>
      </div>
    </div>
  );
}
