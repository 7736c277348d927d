// Users, tenants and memberships: sign-up creates a tenant and its owner; sign-in checks the
// password and returns who the user is and where they belong.
import { randomBytes } from 'node:crypto';
import { audit } from '../audit/log';
import { prisma } from '../db';
import { Prisma } from '../db';
import { inTransaction } from '../db/transaction';
import type { ThrottleNotice } from '@/lib/throttle-notice';
import { throttleMessage } from '@/lib/throttle-notice';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords';
import { attemptFailed, attemptSucceeded, claimAttempt } from './throttle';
import { AppError } from '../errors';

export function normalizeEmail(email: string) {
  return email.trim().toLowerCase();
}

function newTenantId() {
  return `tn_${randomBytes(6).toString('hex')}`;
}

/**
 * `address` is the client's address (throttling counts attempts per email and per address). The
 * password is hashed before the transaction opens: an Argon2id hash must not hold a connection.
 */
export async function signUp(input: { email: string; password: string; name: string; company: string }, address: string | null) {
  const email = normalizeEmail(input.email);
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('WEAK_PASSWORD', `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  const attempt = await claimAttempt('signup', { account: email, address });
  if ('refused' in attempt) throw new AppError('THROTTLED', throttleMessage(attempt.refused, 'sign-up'), { details: { throttle: attempt.refused } });
  const passwordHash = await hashPassword(input.password);
  let created;
  try {
    created = await inTransaction(async (tx) => {
      const tenant = await tx.tenant.create({ data: { id: newTenantId(), name: input.company.trim() } });
      const user = await tx.user.create({ data: { email, name: input.name.trim(), passwordHash } });
      await tx.membership.create({ data: { userId: user.id, tenantId: tenant.id, role: 'owner' } });
      await audit(tx, { id: user.id, email: user.email, ip: address }, 'tenant.signup', { tenantId: tenant.id, target: tenant.id });
      return { user, tenant };
    });
  } catch (err) {
    await attemptFailed(attempt.claim);
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      throw new AppError('EMAIL_TAKEN', 'An account with this email already exists.');
    }
    throw err;
  }
  await attemptSucceeded(attempt.claim);
  return created;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  platformRole: 'none' | 'admin' | 'auditor';
}

export type SignInResult = { user: SessionUser } | { refused: ThrottleNotice } | null;

/**
 * Same answer and roughly the same time whether the email exists or not (unknown emails are
 * throttled like real ones). A throttled attempt is refused before any password hashing.
 */
export async function authenticateUser(email: string, password: string, address: string | null): Promise<SignInResult> {
  const account = normalizeEmail(email);
  const attempt = await claimAttempt('signin', { account, address });
  if ('refused' in attempt) return attempt;
  const user = await prisma().user.findUnique({ where: { email: account } });
  const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
  if (!user || !ok) {
    await attemptFailed(attempt.claim);
    return null;
  }
  await attemptSucceeded(attempt.claim);
  return { user: { id: user.id, email: user.email, name: user.name, platformRole: user.platformRole } };
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
