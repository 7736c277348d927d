// Resolves an API key to its tenant and settings. Hash lookups are cached briefly so the
// exchange hot path rarely touches the database; revocation is honoured within the TTL
// (lookup-cache.ts).
import { loadConfig } from '../config';
import { prisma } from '../db';
import type { ErrorCode } from '../errors';
import { LookupCache } from './lookup-cache';
import { hashApiKey } from './secret';

export interface ApiPrincipal {
  keyId: string;
  prefix: string;
  tenantId: string;
  allowlist: string[];
  fallbackEnabled: boolean;
  fuMonthlyLimit: bigint | null;
  /** Whose FU usage the limit is counted over: the key's own (per-key limit) or the tenant's. */
  fuLimitScope: 'key' | 'tenant';
  stripeItemVex: string | null;
  stripeItemFu: string | null;
  expiresAt: Date | null;
}

export type AuthFailure = 'missing' | 'unknown' | 'revoked' | 'expired';

/** The error code the API refuses each failure with. */
export const AUTH_FAILURE_CODES = {
  missing: 'API_KEY_MISSING',
  unknown: 'API_KEY_INVALID',
  revoked: 'API_KEY_REVOKED',
  expired: 'API_KEY_EXPIRED',
} as const satisfies Record<AuthFailure, ErrorCode>;

let cache: LookupCache<ApiPrincipal | AuthFailure> | undefined;
// Made on first use, so the module loads before start-up has checked the configuration.
const lookups = () => (cache ??= new LookupCache<ApiPrincipal | AuthFailure>(lookup, loadConfig().apiKeyCacheMs));
const lastUsedWrites = new Map<string, number>();

export async function authenticateApiKey(key: string | undefined | null, now = Date.now()): Promise<ApiPrincipal | AuthFailure> {
  if (!key) return 'missing';
  const value = await lookups().get(hashApiKey(key), now);
  if (typeof value !== 'string' && value.expiresAt && value.expiresAt.getTime() <= now) return 'expired';
  if (typeof value !== 'string') touchLastUsed(value.keyId, now);
  return value;
}

async function lookup(hash: string, now: number): Promise<ApiPrincipal | AuthFailure> {
  const row = await prisma().apiKey.findUnique({ where: { hash }, include: { tenant: true } });
  if (!row) return 'unknown';
  if (row.revokedAt && row.revokedAt.getTime() <= now) return 'revoked';
  return {
    keyId: row.id,
    prefix: row.prefix,
    tenantId: row.tenantId,
    allowlist: [...row.tenant.allowlist, ...row.allowlist],
    fallbackEnabled: row.fallbackEnabled ?? row.tenant.fallbackEnabled,
    fuMonthlyLimit: row.fuMonthlyLimit ?? row.tenant.fuMonthlyLimit,
    fuLimitScope: row.fuMonthlyLimit !== null ? 'key' : 'tenant',
    stripeItemVex: row.stripeItemVex,
    stripeItemFu: row.stripeItemFu,
    expiresAt: row.expiresAt,
  };
}

/** last_used_at is informational: written at most once a minute per key, off the hot path. */
function touchLastUsed(keyId: string, now: number) {
  const previous = lastUsedWrites.get(keyId) ?? 0;
  if (now - previous < 60_000) return;
  lastUsedWrites.set(keyId, now);
  prisma()
    .apiKey.update({ where: { id: keyId }, data: { lastUsedAt: new Date(now) } })
    .catch(() => lastUsedWrites.delete(keyId));
}

/** Forget cached lookups now (after a revoke in this process). */
export function clearApiKeyCache() {
  cache?.clear();
}
