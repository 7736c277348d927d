'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { NavItem } from './app-shell';
import { cx } from './cx';

export function NavLinks({ items }: { items: NavItem[] }) {
  const path = usePathname();
  return (
    <nav aria-label="Section" className="md:w-52 md:shrink-0">
      <ul className="flex gap-1 overflow-x-auto md:flex-col">
        {items.map((item) => {
          const active = path === item.href || (item.href.split('/').length > 2 && path.startsWith(item.href));
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? 'page' : undefined}
                className={cx('block whitespace-nowrap rounded-md px-3 py-2 text-sm', active ? 'bg-indigo-50 font-medium text-indigo-700' : 'text-slate-700 hover:bg-slate-100')}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
