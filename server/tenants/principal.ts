// Who is asking, for the portal: the user, their platform role and their tenant memberships.
import { prisma } from '../db';

export interface Principal {
  userId: string;
  email: string;
  name: string;
  platformRole: 'none' | 'admin' | 'auditor';
  memberships: { tenantId: string; tenantName: string; role: 'owner' | 'member' }[];
}

export async function loadPrincipal(userId: string): Promise<Principal | null> {
  const user = await prisma().user.findUnique({
    where: { id: userId },
    include: { memberships: { include: { tenant: { select: { name: true } } }, orderBy: { createdAt: 'asc' } } },
  });
  if (!user) return null;
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    platformRole: user.platformRole,
    memberships: user.memberships.map((m) => ({ tenantId: m.tenantId, tenantName: m.tenant.name, role: m.role })),
  };
}

/** The tenant a portal request acts on: the one asked for if the user belongs to it, else the first. */
export function activeMembership(p: Principal, requestedTenantId?: string | null) {
  return p.memberships.find((m) => m.tenantId === requestedTenantId) ?? p.memberships[0] ?? null;
}
