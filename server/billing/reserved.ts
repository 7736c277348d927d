// Reserved capacity per tenant: imported from the guide's reserved.json (SP_RESERVED_CONFIG, at
// start-up and on POST /v1/admin/reload-reserved) and edited by admins. Every change is
// validated like the file, committed with its audit entry, and then reflected in
// signet_reserved_capacity.
import { readFile } from 'node:fs/promises';
import { audit, type AuditActor } from '../audit/log';
import { prisma } from '../db';
import { inTransaction, type Tx } from '../db/transaction';
import { reservedCapacity as reservedGauge } from '../metrics/registry';
import { METERS, ReservedConfigError, parseReservedConfig, parseReservedConfigText, reservedToJson, tiersToJson, type ReservedCapacity } from './catalog';
import { toCents } from '@/lib/money';
import { reservedFromRow } from './terms';
import { existingTenants, withTariffChange } from './tariffs';

export const SYSTEM_ACTOR: AuditActor = { id: null, email: 'system', ip: null };

/** Tiers as plain JSON objects (Prisma's Json input wants object literal types). */
const tiersJson = (tiers: ReservedCapacity['tiers']['vex']) => tiersToJson(tiers).map((t) => ({ ...t }));

function setGauge(capacity: ReservedCapacity): void {
  for (const meter of METERS) reservedGauge.set({ tenant: capacity.tenantId, type: meter }, Number(capacity.reserved[meter]));
}

async function upsertReserved(tx: Tx, capacity: ReservedCapacity): Promise<void> {
  const data = {
    vexReserved: capacity.reserved.vex,
    fuReserved: capacity.reserved.fu,
    subscriptionPlan: capacity.subscriptionPlan,
    monthlyFeeCents: toCents(capacity.monthlyFee),
    vexTiers: tiersJson(capacity.tiers.vex),
    fuTiers: tiersJson(capacity.tiers.fu),
    updatedAt: new Date(),
  };
  await tx.reservedCapacity.upsert({ where: { tenantId: capacity.tenantId }, create: { tenantId: capacity.tenantId, ...data }, update: data });
}

/**
 * Imports a reserved.json file: every entry is validated first (one bad entry imports nothing),
 * missing tenants are created, and each entry replaces that tenant's reserved capacity, all in
 * one transaction with the audit entry. Tenants not in the file keep theirs.
 */
export async function importReservedConfig(path: string, actor: AuditActor = SYSTEM_ACTOR): Promise<{ tenants: string[] }> {
  const entries = parseReservedConfigText(await readFile(path, 'utf8'));
  const tenants = entries.map((e) => e.tenantId);
  // A tenant the import creates has no terms before it; existingTenants records it after.
  await withTariffChange(existingTenants(tenants), () =>
    inTransaction(async (tx) => {
      for (const capacity of entries) {
        await tx.tenant.upsert({ where: { id: capacity.tenantId }, create: { id: capacity.tenantId, name: capacity.tenantId }, update: {} });
        await upsertReserved(tx, capacity);
      }
      await audit(tx, actor, 'billing.reserved.import', { target: path, detail: { tenants } });
    }),
  );
  for (const capacity of entries) setGauge(capacity);
  return { tenants };
}

export async function getReservedCapacity(tenantId: string): Promise<ReservedCapacity | null> {
  const row = await prisma().reservedCapacity.findUnique({ where: { tenantId } });
  return row ? reservedFromRow(row) : null;
}

/**
 * Saves one tenant's reserved capacity from the guide's entry shape (`{vex_reserved, fu_reserved,
 * subscription_plan, vex_overage_tiers, fu_overage_tiers}`); throws ReservedConfigError listing
 * every problem.
 */
export async function saveReservedCapacity(actor: AuditActor, tenantId: string, entry: unknown): Promise<ReservedCapacity> {
  const [capacity] = parseReservedConfig({ [tenantId]: entry });
  if (!(await prisma().tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) throw new ReservedConfigError([`tenant: no tenant "${tenantId}"`]);
  await withTariffChange(async () => [tenantId], () =>
    inTransaction(async (tx) => {
      await upsertReserved(tx, capacity!);
      await audit(tx, actor, 'billing.reserved.save', { tenantId, target: tenantId, detail: { ...reservedToJson(capacity!), vex_overage_tiers: tiersJson(capacity!.tiers.vex), fu_overage_tiers: tiersJson(capacity!.tiers.fu) } });
    }),
  );
  setGauge(capacity!);
  return capacity!;
}

export async function removeReservedCapacity(actor: AuditActor, tenantId: string): Promise<boolean> {
  const { count } = await withTariffChange(existingTenants([tenantId]), () =>
    inTransaction(async (tx) => {
      const removed = await tx.reservedCapacity.deleteMany({ where: { tenantId } });
      if (removed.count > 0) await audit(tx, actor, 'billing.reserved.remove', { tenantId, target: tenantId });
      return removed;
    }),
  );
  for (const meter of METERS) reservedGauge.remove({ tenant: tenantId, type: meter });
  return count > 0;
}

/** Sets signet_reserved_capacity from the database (start-up). */
export async function publishReservedGauges(): Promise<void> {
  for (const row of await prisma().reservedCapacity.findMany()) setGauge(reservedFromRow(row));
}
