// The platform admin's view of tenants: who they are, what they pay for, how much they use.
import { getDatabase, prisma } from '../db';
import { sumUsage } from '../usage/rollups';
import { listTraces, type TraceSummary } from '../chains/repository';

export type KeyStatus = 'active' | 'expired' | 'revoked';

export interface TenantRow {
  id: string;
  name: string;
  plan: string | null;
  subscriptionStatus: string;
  memberCount: number;
  activeKeyCount: number;
  vexThisMonth: bigint;
  createdAt: Date;
}

export interface TenantDetail extends TenantRow {
  fuThisMonth: bigint;
  members: { userId: string; email: string; name: string; role: 'owner' | 'member'; since: Date }[];
  keys: { id: string; name: string; prefix: string; status: KeyStatus; createdAt: Date; lastUsedAt: Date | null }[];
  reserved: { vexReserved: bigint; fuReserved: bigint; subscriptionPlan: string | null; updatedAt: Date } | null;
  recentTraces: TraceSummary[];
}

/** The first instant of the calendar month (UTC) that `now` falls in. */
export function monthStartUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export function keyStatus(key: { revokedAt: Date | null; expiresAt: Date | null }, now: Date): KeyStatus {
  if (key.revokedAt && key.revokedAt <= now) return 'revoked';
  if (key.expiresAt && key.expiresAt <= now) return 'expired';
  return 'active';
}

function liveKeyFilter(now: Date) {
  return { AND: [{ OR: [{ revokedAt: null }, { revokedAt: { gt: now } }] }, { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }] };
}

async function usageThisMonth(tenantIds: string[], meter: 'vex' | 'fu', now: Date): Promise<Map<string, bigint>> {
  if (tenantIds.length === 0) return new Map();
  const start = monthStartUtc(now);
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const sums = await sumUsage(getDatabase().sql, { tenantIds, start, end, by: 'range', meters: [meter] });
  return new Map(sums.map((s) => [s.tenantId, s.units]));
}

/** Tenants newest first; `search` matches the id or the name, case-insensitively. */
export async function listTenants(filter: { search?: string; take?: number } = {}, now = new Date()): Promise<TenantRow[]> {
  const search = filter.search?.trim();
  const tenants = await prisma().tenant.findMany({
    where: search ? { OR: [{ id: { contains: search, mode: 'insensitive' } }, { name: { contains: search, mode: 'insensitive' } }] } : undefined,
    orderBy: { createdAt: 'desc' },
    take: Math.min(filter.take ?? 100, 500),
    include: {
      plan: { select: { name: true } },
      _count: { select: { memberships: true, apiKeys: { where: liveKeyFilter(now) } } },
    },
  });
  const vex = await usageThisMonth(tenants.map((t) => t.id), 'vex', now);
  return tenants.map((t) => ({
    id: t.id,
    name: t.name,
    plan: t.plan?.name ?? null,
    subscriptionStatus: t.subscriptionStatus,
    memberCount: t._count.memberships,
    activeKeyCount: t._count.apiKeys,
    vexThisMonth: vex.get(t.id) ?? 0n,
    createdAt: t.createdAt,
  }));
}

/** Everything the admin tenant page shows, or null for an unknown tenant. Key secrets never leave the database. */
export async function tenantDetail(id: string, now = new Date()): Promise<TenantDetail | null> {
  const t = await prisma().tenant.findUnique({
    where: { id },
    include: {
      plan: { select: { name: true } },
      reserved: true,
      memberships: { include: { user: { select: { email: true, name: true } } }, orderBy: { createdAt: 'asc' } },
      apiKeys: { orderBy: { createdAt: 'desc' }, select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true } },
    },
  });
  if (!t) return null;
  const [vex, fu, recentTraces] = await Promise.all([usageThisMonth([id], 'vex', now), usageThisMonth([id], 'fu', now), listTraces({ tenantId: id, take: 10 })]);
  const keys = t.apiKeys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, status: keyStatus(k, now), createdAt: k.createdAt, lastUsedAt: k.lastUsedAt }));
  return {
    id: t.id,
    name: t.name,
    plan: t.plan?.name ?? null,
    subscriptionStatus: t.subscriptionStatus,
    memberCount: t.memberships.length,
    activeKeyCount: keys.filter((k) => k.status === 'active').length,
    vexThisMonth: vex.get(id) ?? 0n,
    fuThisMonth: fu.get(id) ?? 0n,
    createdAt: t.createdAt,
    members: t.memberships.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name, role: m.role, since: m.createdAt })),
    keys,
    reserved: t.reserved && {
      vexReserved: t.reserved.vexReserved,
      fuReserved: t.reserved.fuReserved,
      subscriptionPlan: t.reserved.subscriptionPlan,
      updatedAt: t.reserved.updatedAt,
    },
    recentTraces,
  };
}
