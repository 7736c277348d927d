// The platform-wide forward allowlist: SP_HEL_ALLOWLIST from the environment plus what admins
// add in the portal (stored in settings), cached briefly for the exchange hot path.
import { audit, type AuditActor } from '../audit/log';
import { loadConfig } from '../config';
import { prisma, type Prisma } from '../db';
import { inTransaction } from '../db/transaction';

const KEY = 'hel.allowlist';
const TTL_MS = 3000;
let cache: { at: number; entries: string[] } | null = null;

export async function storedGlobalAllowlist(db: Prisma.TransactionClient = prisma()): Promise<string[]> {
  const row = await db.setting.findUnique({ where: { key: KEY } });
  return Array.isArray(row?.value) ? (row.value as string[]) : [];
}

/** Replaces the admins' entries; the audit entry (what was added and removed) commits with them. */
export async function saveGlobalAllowlist(actor: AuditActor, entries: string[]): Promise<void> {
  await inTransaction(async (tx) => {
    const before = await storedGlobalAllowlist(tx);
    await tx.setting.upsert({ where: { key: KEY }, create: { key: KEY, value: entries }, update: { value: entries, updatedAt: new Date() } });
    await audit(tx, actor, 'allowlist.global.update', {
      target: KEY,
      detail: { added: entries.filter((e) => !before.includes(e)), removed: before.filter((e) => !entries.includes(e)) },
    });
  });
  cache = null;
}

/** Environment entries first, then the admins' entries. */
export async function globalAllowlist(now = Date.now()): Promise<string[]> {
  if (cache && now - cache.at < TTL_MS) return cache.entries;
  const entries = [...loadConfig().helAllowlist, ...(await storedGlobalAllowlist())];
  cache = { at: now, entries };
  return entries;
}
