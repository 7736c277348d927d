// A tenant's own settings edited in the portal: its forward allowlist and LLM fallback.
import { validateAllowlistEntry } from '../egress/allowlist';
import { prisma } from '../db';
import type { Tx } from '../db/transaction';
import { AppError } from '../errors';

export async function tenantSettings(tenantId: string) {
  return prisma().tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { allowlist: true, fallbackEnabled: true, fuMonthlyLimit: true },
  });
}

// The edits below run in the caller's transaction, beside their audit entry.

/** Adds one entry (canonical spelling); returns it and whether it was new. Atomic per entry. */
export async function addTenantAllowlistEntry(tx: Tx, tenantId: string, entry: string) {
  const checked = validateAllowlistEntry(entry);
  if (!checked.ok) throw new AppError('ALLOWLIST_ENTRY_INVALID', checked.error);
  const normalized = checked.normalized;
  const { count } = await tx.tenant.updateMany({
    where: { id: tenantId, NOT: { allowlist: { has: normalized } } },
    data: { allowlist: { push: normalized } },
  });
  return { entry: normalized, added: count === 1 };
}

export async function removeTenantAllowlistEntry(tx: Tx, tenantId: string, entry: string): Promise<boolean> {
  const removed = await tx.$executeRaw`UPDATE tenants SET allowlist = array_remove(allowlist, ${entry}::text) WHERE id = ${tenantId} AND ${entry}::text = ANY(allowlist)`;
  return removed === 1;
}

export async function saveFallbackSettings(tx: Tx, tenantId: string, settings: { fallbackEnabled: boolean; fuMonthlyLimit: bigint | null }) {
  return tx.tenant.update({
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
