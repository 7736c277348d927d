// A tenant's own settings edited in the portal: its forward allowlist and LLM fallback.
import { validateAllowlistEntry } from '../egress/allowlist';
import { getDatabase, prisma } from '../db';
import { AppError } from '../errors';

export async function tenantSettings(tenantId: string) {
  return prisma().tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { allowlist: true, fallbackEnabled: true, fuMonthlyLimit: true },
  });
}

/** Adds one entry (canonical spelling); returns it and whether it was new. Atomic per entry. */
export async function addTenantAllowlistEntry(tenantId: string, entry: string) {
  const checked = validateAllowlistEntry(entry);
  if (!checked.ok) throw new AppError('ALLOWLIST_ENTRY_INVALID', checked.error);
  const normalized = checked.normalized;
  const { count } = await prisma().tenant.updateMany({
    where: { id: tenantId, NOT: { allowlist: { has: normalized } } },
    data: { allowlist: { push: normalized } },
  });
  return { entry: normalized, added: count === 1 };
}

export async function removeTenantAllowlistEntry(tenantId: string, entry: string): Promise<boolean> {
  const rows = await getDatabase().sql.query(
    'UPDATE tenants SET allowlist = array_remove(allowlist, $2) WHERE id = $1 AND $2 = ANY(allowlist) RETURNING id',
    [tenantId, entry],
  );
  return rows.length === 1;
}

export async function saveFallbackSettings(tenantId: string, settings: { fallbackEnabled: boolean; fuMonthlyLimit: bigint | null }) {
  return prisma().tenant.update({
    where: { id: tenantId },
    data: settings,
    select: { fallbackEnabled: true, fuMonthlyLimit: true },
  });
}

/** Units included this period: reserved capacity when the tenant has it, else the plan's. */
export async function includedUnits(tenantId: string): Promise<{ source: 'reserved' | 'plan' | 'none'; planName: string | null; vex: bigint; fu: bigint }> {
  const tenant = await prisma().tenant.findUniqueOrThrow({ where: { id: tenantId }, include: { plan: true, reserved: true } });
  const planName = tenant.plan?.name ?? null;
  if (tenant.reserved) return { source: 'reserved', planName, vex: tenant.reserved.vexReserved, fu: tenant.reserved.fuReserved };
  if (tenant.plan) return { source: 'plan', planName, vex: tenant.plan.includedVex, fu: tenant.plan.includedFu };
  return { source: 'none', planName, vex: 0n, fu: 0n };
}
