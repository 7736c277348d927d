import { prisma, type Prisma } from '../db';
import type { Tx } from '../db/transaction';
import { generateApiKey, hashApiKey } from './secret';

export interface NewApiKeyInput {
  tenantId: string;
  name: string;
  expiresAt?: Date | null;
  allowlist?: string[];
  fallbackEnabled?: boolean | null;
  fuMonthlyLimit?: bigint | null;
}

type Db = Prisma.TransactionClient;

/**
 * Creates a key and returns its secret, which is never retrievable again. The portal passes
 * the transaction its audit entry is written in; a key whose entry failed is never created.
 */
export async function createApiKey(input: NewApiKeyInput, db: Db = prisma()) {
  const { key, prefix } = generateApiKey();
  const row = await db.apiKey.create({
    data: {
      tenantId: input.tenantId,
      name: input.name,
      prefix,
      hash: hashApiKey(key),
      expiresAt: input.expiresAt ?? null,
      allowlist: input.allowlist ?? [],
      fallbackEnabled: input.fallbackEnabled ?? null,
      fuMonthlyLimit: input.fuMonthlyLimit ?? null,
    },
  });
  return { key, apiKey: row };
}

export function listApiKeys(tenantId: string) {
  return prisma().apiKey.findMany({ where: { tenantId }, orderBy: { createdAt: 'desc' } });
}

export async function revokeApiKey(tenantId: string, id: string, db: Db = prisma()) {
  const { count } = await db.apiKey.updateMany({
    where: { id, tenantId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count === 1;
}

/**
 * Rotation: a new key with the same settings; the old one keeps working until the overlap
 * window ends (its expiry is moved to now + overlap, never later than it already was).
 */
export async function rotateApiKey(tx: Tx, tenantId: string, id: string, overlapSeconds: number) {
  const old = await tx.apiKey.findFirst({ where: { id, tenantId, revokedAt: null } });
  if (!old) return null;
  const overlapEnd = new Date(Date.now() + overlapSeconds * 1000);
  const expiresAt = old.expiresAt && old.expiresAt < overlapEnd ? old.expiresAt : overlapEnd;
  const created = await createApiKey({ tenantId, name: old.name, expiresAt: null, allowlist: old.allowlist, fallbackEnabled: old.fallbackEnabled, fuMonthlyLimit: old.fuMonthlyLimit }, tx);
  await tx.apiKey.update({ where: { id: old.id }, data: { expiresAt, replacedById: created.apiKey.id } });
  return { ...created, previousExpiresAt: expiresAt };
}
