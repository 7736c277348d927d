// Imports the guide's SP_API_KEYS JSON (key → {tenant, allowlist, fallback_enabled,
// fu_monthly_limit, stripe_item_vex, stripe_item_fu}) at start-up, idempotently. The raw keys
// are stored hashed like any other key; re-running updates their settings.
import { z } from 'zod';
import { prisma } from '../db';
import { hashApiKey, prefixForImportedKey } from './secret';
import { logger } from '../telemetry/logger';

const entrySchema = z.object({
  tenant: z.string().min(1).max(128),
  allowlist: z.array(z.string()).default([]),
  fallback_enabled: z.boolean().default(false),
  fu_monthly_limit: z.number().int().nonnegative().nullable().optional(),
  stripe_item_vex: z.string().nullable().optional(),
  stripe_item_fu: z.string().nullable().optional(),
});
const fileSchema = z.record(z.string().min(1, 'an API key cannot be empty'), entrySchema);

export function parseApiKeysJson(text: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`SP_API_KEYS is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Never echo the key itself (the first path element) into logs.
    const where = issue.path.slice(1).join('.') || 'entry';
    throw new Error(`SP_API_KEYS is invalid at ${where}: ${issue.message}`);
  }
  return parsed.data;
}

export async function importApiKeysFromEnv(text: string): Promise<{ tenants: string[]; keys: number }> {
  const entries = parseApiKeysJson(text);
  const short = Object.keys(entries).filter((k) => k.length < 16).length;
  if (short > 0) logger.warn(`SP_API_KEYS: ${short} key(s) shorter than 16 characters are easy to guess; prefer generated keys`);
  const tenants = new Set<string>();
  for (const [key, entry] of Object.entries(entries)) {
    await prisma().tenant.upsert({
      where: { id: entry.tenant },
      create: { id: entry.tenant, name: entry.tenant },
      update: {},
    });
    tenants.add(entry.tenant);
    const settings = {
      tenantId: entry.tenant,
      allowlist: entry.allowlist,
      fallbackEnabled: entry.fallback_enabled,
      fuMonthlyLimit: entry.fu_monthly_limit == null ? null : BigInt(entry.fu_monthly_limit),
      stripeItemVex: entry.stripe_item_vex ?? null,
      stripeItemFu: entry.stripe_item_fu ?? null,
    };
    const hash = hashApiKey(key);
    await prisma().apiKey.upsert({
      where: { hash },
      create: { ...settings, hash, prefix: prefixForImportedKey(key), name: 'SP_API_KEYS', source: 'env' },
      update: settings,
    });
  }
  return { tenants: [...tenants], keys: Object.keys(entries).length };
}
