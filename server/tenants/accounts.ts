// Users, tenants and memberships: sign-up creates a tenant and its owner; sign-in checks the
// password and returns who the user is and where they belong.
import { randomBytes } from 'node:crypto';
import { prisma } from '../db';
import { Prisma } from '../db';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords';

export class AccountError extends Error {
  constructor(
    readonly code: 'EMAIL_TAKEN' | 'WEAK_PASSWORD' | 'INVALID_INPUT',
    message: string,
  ) {
    super(message);
  }
}

export function normalizeEmail(email: string) {
  return email.trim().toLowerCase();
}

function newTenantId() {
  return `tn_${randomBytes(6).toString('hex')}`;
}

export async function signUp(input: { email: string; password: string; name: string; company: string }) {
  const email = normalizeEmail(input.email);
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AccountError('WEAK_PASSWORD', `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma().$transaction(async (tx) => {
      const tenant = await tx.tenant.create({ data: { id: newTenantId(), name: input.company.trim() } });
      const user = await tx.user.create({ data: { email, name: input.name.trim(), passwordHash } });
      await tx.membership.create({ data: { userId: user.id, tenantId: tenant.id, role: 'owner' } });
      return { user, tenant };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      throw new AccountError('EMAIL_TAKEN', 'An account with this email already exists.');
    }
    throw err;
  }
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  platformRole: 'none' | 'admin' | 'auditor';
}

/** Same answer and roughly the same time whether the email exists or not. */
export async function authenticateUser(email: string, password: string): Promise<SessionUser | null> {
  const user = await prisma().user.findUnique({ where: { email: normalizeEmail(email) } });
  const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
  if (!user || !ok) return null;
  return { id: user.id, email: user.email, name: user.name, platformRole: user.platformRole };
}

const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$x69kqWaxyjUxhcBnWZBVag$BwAzhATuGngcGFFL0n13ODj30F/EaDzU+8F4QARv+5I';

export function membershipsOf(userId: string) {
  return prisma().membership.findMany({
    where: { userId },
    include: { tenant: { select: { id: true, name: true } } },
    orderBy: { createdAt: 'asc' },
  });
}

export async function createUser(input: {
  email: string;
  password: string;
  name: string;
  platformRole?: 'none' | 'admin' | 'auditor';
}) {
  return prisma().user.create({
    data: {
      email: normalizeEmail(input.email),
      name: input.name,
      passwordHash: await hashPassword(input.password),
      platformRole: input.platformRole ?? 'none',
    },
  });
}
