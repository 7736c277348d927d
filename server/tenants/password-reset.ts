// "Forgot password?": a one-use link valid for an hour, emailed to the account's address. Only
// the token's SHA-256 is stored. Asking never tells whether an account exists: requests are
// throttled per email and per client address alike for every address, and the answer does not
// wait for the mail server.
import { createHash, randomBytes } from 'node:crypto';
import { audit } from '../audit/log';
import { prisma } from '../db';
import { inTransaction } from '../db/transaction';
import { portalLink, sendEmail } from '../email/mailer';
import { throttleMessage } from '@/lib/throttle-notice';
import { normalizeEmail } from './accounts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords';
import { attemptFailed, claimAttempt } from './throttle';
import { AppError } from '../errors';

const RESET_TTL_MS = 60 * 60 * 1000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Emails a reset link when the address has an account; otherwise does nothing, visibly the same.
 * `address` is the client's address; a throttled request is refused with THROTTLED.
 */
export async function requestPasswordReset(emailAddress: string, address: string | null, now = new Date()): Promise<void> {
  const email = normalizeEmail(emailAddress);
  const attempt = await claimAttempt('reset', { account: email, address });
  if ('refused' in attempt) throw new AppError('THROTTLED', throttleMessage(attempt.refused, 'password-reset'), { details: { throttle: attempt.refused } });
  // Every request counts, as a failed sign-in does: nothing ever takes it back.
  await attemptFailed(attempt.claim);
  const user = await prisma().user.findUnique({ where: { email }, select: { id: true, email: true } });
  if (!user) return;
  const token = randomBytes(32).toString('base64url');
  await prisma().passwordReset.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + RESET_TTL_MS) } });
  const link = portalLink(`/reset-password/${token}`);
  // Not awaited, so how long the answer takes does not tell a known address from an unknown
  // one; sendEmail logs a failed send and never throws.
  void sendEmail({
    to: user.email,
    subject: 'Reset your Signet password',
    text: `Someone (hopefully you) asked to reset the password of your Signet account ${user.email}.\n\nChoose a new password here (the link works once, for one hour):\n${link}\n\nIf you did not ask, ignore this email: your password stays as it is.\n`,
    link,
  });
}

/** Whether a reset link can still be used (for the page that shows the form). */
export async function resetTokenUsable(token: string, now = new Date()): Promise<boolean> {
  const reset = await prisma().passwordReset.findUnique({ where: { tokenHash: hashToken(token) } });
  return reset !== null && reset.usedAt === null && reset.expiresAt > now;
}

/**
 * Sets the new password and uses up this link and every other open one of the account, audited
 * in the same transaction (`address` is the client's). The hash comes first, outside it.
 */
export async function resetPassword(token: string, password: string, address: string | null, now = new Date()): Promise<{ email: string }> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new AppError('WEAK_PASSWORD', `Password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  const passwordHash = await hashPassword(password);
  return inTransaction(async (tx) => {
    const reset = await tx.passwordReset.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: { select: { email: true } } } });
    if (!reset || reset.usedAt || reset.expiresAt <= now) throw new AppError('RESET_LINK_INVALID');
    const claimed = await tx.passwordReset.updateMany({ where: { id: reset.id, usedAt: null }, data: { usedAt: now } });
    if (claimed.count === 0) throw new AppError('RESET_LINK_INVALID');
    await tx.user.update({ where: { id: reset.userId }, data: { passwordHash } });
    await tx.passwordReset.updateMany({ where: { userId: reset.userId, usedAt: null }, data: { usedAt: now } });
    await audit(tx, { id: null, email: reset.user.email, ip: address }, 'auth.password.reset', { target: reset.user.email });
    return { email: reset.user.email };
  });
}
