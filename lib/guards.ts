// Server-side page guards: every portal page checks role and tenant before rendering. A reader
// who is not signed in is sent to sign in and back; one without the role gets a 403 page.
import { headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { currentPrincipal } from './auth';
import type { Principal } from '@/server/tenants/principal';

/** Where a user lands after sign-in. */
export function homePath(p: Principal): string {
  if (p.memberships.length > 0) return '/dashboard';
  if (p.platformRole === 'admin') return '/admin';
  if (p.platformRole === 'auditor') return '/auditor';
  return '/signin?error=NoAccess';
}

/** A path of this site to return to (never another origin: `//host` or `/\\host`). */
export function safeReturnPath(value: string | null | undefined): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.length > 2000) return null;
  return value;
}

export async function requirePrincipal(): Promise<Principal> {
  const p = await currentPrincipal();
  if (!p) {
    const back = safeReturnPath((await headers()).get('x-signet-path'));
    redirect(back && back !== '/' ? `/signin?next=${encodeURIComponent(back)}` : '/signin');
  }
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
  if (p.platformRole !== 'admin') forbidden();
  return p;
}

export async function requireAuditor() {
  const p = await requirePrincipal();
  if (p.platformRole !== 'auditor' && p.platformRole !== 'admin') forbidden();
  return p;
}
