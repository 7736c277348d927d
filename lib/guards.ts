// Server-side page guards: every portal page checks role and tenant before rendering.
import { redirect } from 'next/navigation';
import { currentPrincipal } from './auth';
import { homePath, type Principal } from '@/server/tenants/principal';

export async function requirePrincipal(): Promise<Principal> {
  const p = await currentPrincipal();
  if (!p) redirect('/signin');
  return p;
}

export async function requireTenantMember() {
  const p = await requirePrincipal();
  const m = p.memberships[0];
  if (!m) redirect(homePath(p));
  return { principal: p, membership: m };
}

export async function requireAdmin() {
  const p = await requirePrincipal();
  if (p.platformRole !== 'admin') redirect(homePath(p));
  return p;
}

export async function requireAuditor() {
  const p = await requirePrincipal();
  if (p.platformRole !== 'auditor' && p.platformRole !== 'admin') redirect(homePath(p));
  return p;
}
