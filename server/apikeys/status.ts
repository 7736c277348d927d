// How the portal presents a key: its lifecycle status and the fields safe to show (never the hash).
import { prisma } from '../db';
import type { ApiKey } from '../db/generated/client';

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

export function apiKeyStatus(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now = new Date()): ApiKeyStatus {
  if (key.revokedAt && key.revokedAt <= now) return 'revoked';
  if (key.expiresAt && key.expiresAt <= now) return 'expired';
  return 'active';
}

export function publicApiKey(key: ApiKey, now = new Date()) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    source: key.source,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
    allowlist: key.allowlist,
    fallbackEnabled: key.fallbackEnabled,
    fuMonthlyLimit: key.fuMonthlyLimit,
    status: apiKeyStatus(key, now),
    /** Rotated and still inside its overlap: works until `expiresAt`, then its replacement alone does. */
    rotatingOut: key.replacedById !== null && apiKeyStatus(key, now) === 'active',
  };
}

export type PublicApiKey = ReturnType<typeof publicApiKey>;

export function countActiveApiKeys(tenantId: string, now = new Date()): Promise<number> {
  return prisma().apiKey.count({ where: { tenantId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } });
}
