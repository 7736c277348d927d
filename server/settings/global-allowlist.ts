// The platform-wide forward allowlist: SP_HEL_ALLOWLIST from the environment plus what admins
// add in the portal (stored in settings), cached briefly for the exchange hot path.
import { loadConfig } from '../config';
import { prisma } from '../db';

const KEY = 'hel.allowlist';
const TTL_MS = 3000;
let cache: { at: number; entries: string[] } | null = null;

export async function storedGlobalAllowlist(): Promise<string[]> {
  const row = await prisma().setting.findUnique({ where: { key: KEY } });
  return Array.isArray(row?.value) ? (row.value as string[]) : [];
}

export async function saveGlobalAllowlist(entries: string[]): Promise<void> {
  await prisma().setting.upsert({ where: { key: KEY }, create: { key: KEY, value: entries }, update: { value: entries, updatedAt: new Date() } });
  cache = null;
}

/** Environment entries first, then the admins' entries. */
export async function globalAllowlist(now = Date.now()): Promise<string[]> {
  if (cache && now - cache.at < TTL_MS) return cache.entries;
  const entries = [...loadConfig().helAllowlist, ...(await storedGlobalAllowlist())];
  cache = { at: now, entries };
  return entries;
}
