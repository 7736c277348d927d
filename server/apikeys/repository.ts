import { prisma } from '../db';
import { generateApiKey, hashApiKey } from './secret';

export interface NewApiKeyInput {
  tenantId: string;
  name: string;
  expiresAt?: Date | null;
  allowlist?: string[];
  fallbackEnabled?: boolean | null;
  fuMonthlyLimit?: bigint | null;
}

/** Creates a key and returns its secret, which is never retrievable again. */
export async function createApiKey(input: NewApiKeyInput) {
  const { key, prefix } = generateApiKey();
  const row = await prisma().apiKey.create({
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

export async function revokeApiKey(tenantId: string, id: string, at = new Date()) {
  const { count } = await prisma().apiKey.updateMany({
    where: { id, tenantId, revokedAt: null },
    data: { revokedAt: at },
  });
  return count === 1;
}

/**
 * Rotation: a new key with the same settings; the old one keeps working until the overlap
 * window ends (its expiry is moved to now + overlap, never later than it already was).
 */
export async function rotateApiKey(tenantId: string, id: string, overlapSeconds: number) {
  const old = await prisma().apiKey.findFirst({ where: { id, tenantId, revokedAt: null } });
  if (!old) return null;
  const overlapEnd = new Date(Date.now() + overlapSeconds * 1000);
  const expiresAt = old.expiresAt && old.expiresAt < overlapEnd ? old.expiresAt : overlapEnd;
  const created = await createApiKey({
    tenantId,
    name: old.name,
    expiresAt: null,
    allowlist: old.allowlist,
    fallbackEnabled: old.fallbackEnabled,
    fuMonthlyLimit: old.fuMonthlyLimit,
  });
  await prisma().apiKey.update({ where: { id: old.id }, data: { expiresAt, replacedById: created.apiKey.id } });
  return { ...created, previousExpiresAt: expiresAt };
}
