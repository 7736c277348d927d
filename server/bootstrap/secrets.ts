// Deployment secrets the operator may set (NEXTAUTH_SECRET, SP_PSEUDONYM_KEY). When unset,
// the first instance generates one and stores it, so every instance sharing the database (and
// every restart) uses the same value: sessions stay valid, pseudonyms stay stable.
import { randomBytes } from 'node:crypto';
import { prisma } from '../db';

export async function ensureStoredSecret(key: string, configured: string | null): Promise<string> {
  if (configured) return configured;
  const candidate = randomBytes(32).toString('base64url');
  await prisma().setting.upsert({ where: { key }, create: { key, value: candidate }, update: {} });
  const row = await prisma().setting.findUniqueOrThrow({ where: { key } });
  return row.value as string;
}
