// next-auth signs session tokens with NEXTAUTH_SECRET. When the operator sets none, the first
// instance generates one and stores it, so every instance sharing the database (and every
// restart) accepts the same sessions.
import { randomBytes } from 'node:crypto';
import { prisma } from '../db';

const KEY = 'auth.secret';

export async function ensureAuthSecret(configured: string | null): Promise<string> {
  if (configured) return configured;
  const candidate = randomBytes(32).toString('base64url');
  await prisma().setting.upsert({ where: { key: KEY }, create: { key: KEY, value: candidate }, update: {} });
  const row = await prisma().setting.findUniqueOrThrow({ where: { key: KEY } });
  return row.value as string;
}
