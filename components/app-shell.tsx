// The signed-in frame: top bar with the user's areas, a side navigation for the current area.
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Principal } from '@/server/tenants/principal';
import { HeaderMenu } from './header-menu';
import { NavLinks } from './nav-links';

export interface NavItem {
  href: string;
  label: string;
}

export function AppShell({ principal, area, nav, children }: { principal: Principal; area: string; nav: NavItem[]; children: ReactNode }) {
  const areas: NavItem[] = [];
  if (principal.memberships.length > 0) areas.push({ href: '/dashboard', label: principal.memberships[0]!.tenantName });
  if (principal.platformRole === 'admin') areas.push({ href: '/admin', label: 'Admin' });
  if (principal.platformRole === 'auditor' || principal.platformRole === 'admin') areas.push({ href: '/auditor', label: 'Auditor' });
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only rounded-md bg-indigo-700 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50">
        Skip to content
      </a>
      <header className="relative border-b border-slate-200 dark:border-slate-700 bg-white dark:bg-slate-900" data-testid="app-header">
        <div className="mx-auto flex max-w-7xl items-center gap-3 px-4 py-3 sm:px-6">
          <Link href="/" className="flex shrink-0 items-center gap-2 font-semibold text-slate-900 dark:text-slate-100">
            <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-xs font-bold text-white">S</span>
            Signet
          </Link>
          <HeaderMenu areas={areas} area={area} userName={principal.name || principal.email} email={principal.email} />
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 sm:px-6 md:flex-row">
        <NavLinks items={nav} />
        <main id="main" className="min-w-0 flex-1">
          {children}
        </main>
      </div>
    </div>
  );
}
