import type { ReactNode } from 'react';
import { AppShell } from '@/components/app-shell';
import { requireAuditor } from '@/lib/guards';

export const dynamic = 'force-dynamic';

export default async function AuditorLayout({ children }: { children: ReactNode }) {
  const principal = await requireAuditor();
  return (
    <AppShell principal={principal} area="Auditor" nav={[{ href: '/auditor', label: 'Verify receipts' }]}>
      {children}
    </AppShell>
  );
}
