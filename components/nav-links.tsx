'use client';
// The section navigation: a column beside the page from md up; on phones a row that scrolls
// sideways, faded at an edge while more links lie beyond it, with the current link in view.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { NavItem } from './app-shell';
import { cx } from './cx';

const FADE = '2rem';
const masks = {
  none: undefined,
  end: `linear-gradient(to right, black calc(100% - ${FADE}), transparent)`,
  start: `linear-gradient(to left, black calc(100% - ${FADE}), transparent)`,
  both: `linear-gradient(to right, transparent, black ${FADE}, black calc(100% - ${FADE}), transparent)`,
};

function useScrollEdges(list: RefObject<HTMLUListElement | null>): keyof typeof masks {
  const [edges, setEdges] = useState<keyof typeof masks>('none');
  useEffect(() => {
    const ul = list.current;
    if (!ul) return;
    const update = () => {
      const before = ul.scrollLeft > 1;
      const after = ul.scrollLeft + ul.clientWidth < ul.scrollWidth - 1;
      setEdges(before && after ? 'both' : before ? 'start' : after ? 'end' : 'none');
    };
    update();
    ul.addEventListener('scroll', update, { passive: true });
    window.addEventListener('resize', update);
    return () => {
      ul.removeEventListener('scroll', update);
      window.removeEventListener('resize', update);
    };
  }, [list]);
  return edges;
}

export function NavLinks({ items }: { items: NavItem[] }) {
  const path = usePathname();
  const list = useRef<HTMLUListElement>(null);
  const edges = useScrollEdges(list);
  // The most specific link holding this page (Verify my bill, not also Plans & billing); an area's home only for itself.
  const holds = (href: string) => path === href || (href.split('/').length > 2 && path.startsWith(`${href}/`));
  const current = items.filter((item) => holds(item.href)).sort((a, b) => b.href.length - a.href.length)[0]?.href;
  useEffect(() => {
    const ul = list.current;
    const current = ul?.querySelector<HTMLElement>('[aria-current="page"]');
    // Sideways only: scrollIntoView would also move the page.
    if (ul && current && ul.scrollWidth > ul.clientWidth) ul.scrollLeft = current.offsetLeft - (ul.clientWidth - current.offsetWidth) / 2;
  }, [path]);
  return (
    <nav aria-label="Section" className="md:w-52 md:shrink-0">
      <ul ref={list} data-scroll-fade={edges} style={{ maskImage: masks[edges] }} className="relative flex gap-1 overflow-x-auto md:flex-col">
        {items.map((item) => {
          const active = item.href === current;
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? 'page' : undefined}
                className={cx('block whitespace-nowrap rounded-md px-3 py-2 text-sm', active ? 'bg-indigo-50 dark:bg-indigo-950/40 font-medium text-indigo-700 dark:text-indigo-300' : 'text-slate-700 dark:text-slate-300 hover:bg-slate-100 dark:hover:bg-slate-800')}
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
