import type { ReactNode } from 'react';
import { AppShell } from '@/components/app-shell';
import { requireTenantMember } from '@/lib/guards';

export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { principal, membership } = await requireTenantMember();
  const nav = [
    { href: '/dashboard', label: 'Overview' },
    { href: '/dashboard/keys', label: 'API keys' },
    { href: '/dashboard/allowlist', label: 'Egress allowlist' },
    { href: '/dashboard/fallback', label: 'LLM fallback' },
    { href: '/dashboard/requests', label: 'Request log' },
    { href: '/dashboard/receipts', label: 'Receipts' },
    { href: '/dashboard/billing', label: 'Plans & billing' },
    { href: '/dashboard/billing/verify', label: 'Verify my bill' },
    { href: '/dashboard/team', label: 'Team' },
  ];
  return (
    <AppShell principal={principal} area={membership.tenantName} nav={nav}>
      {children}
    </AppShell>
  );
}
