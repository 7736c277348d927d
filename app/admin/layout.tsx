import type { ReactNode } from 'react';
import { AppShell } from '@/components/app-shell';
import { requireAdmin } from '@/lib/guards';

export const dynamic = 'force-dynamic';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const principal = await requireAdmin();
  const nav = [
    { href: '/admin', label: 'Tenants' },
    { href: '/admin/kpis', label: 'KPIs' },
    { href: '/admin/reserved', label: 'Reserved capacity' },
    { href: '/admin/plans', label: 'Plan catalog' },
    { href: '/admin/allowlist', label: 'Global allowlist' },
    { href: '/admin/keys', label: 'Signing keys' },
    { href: '/admin/audit', label: 'Audit log' },
  ];
  return (
    <AppShell principal={principal} area="Admin" nav={nav}>
      {children}
    </AppShell>
  );
}
