// A tenant's team: members and their roles, and invitations for people without an account.
// A tenant always keeps at least one owner. Each change runs in the caller's transaction,
// beside its audit entry; accepting as a new user hashes the password first and so opens its own.
import { createHash, randomBytes } from 'node:crypto';
import { audit } from '../audit/log';
import { prisma } from '../db';
import { inTransaction, type Tx } from '../db/transaction';
import { normalizeEmail } from './accounts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords';
import { AppError } from '../errors';

export type MemberRole = 'owner' | 'member';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function listMembers(tenantId: string) {
  return prisma().membership.findMany({
    where: { tenantId },
    select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
    orderBy: { createdAt: 'asc' },
  });
}

export function listPendingInvitations(tenantId: string, now = new Date()) {
  return prisma().invitation.findMany({
    where: { tenantId, acceptedAt: null, expiresAt: { gt: now } },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true },
    orderBy: { createdAt: 'desc' },
  });
}

export type AddMemberResult =
  | { kind: 'added'; userId: string; email: string }
  /** `token` is the secret part of the invite link; only its SHA-256 is stored. */
  | { kind: 'invited'; invitationId: string; email: string; token: string; expiresAt: Date };

/** An existing user joins at once; anyone else gets an invitation link. */
export async function addMember(tx: Tx, tenantId: string, input: { email: string; role: MemberRole }, now = new Date()): Promise<AddMemberResult> {
  const email = normalizeEmail(input.email);
  const user = await tx.user.findUnique({ where: { email }, select: { id: true, memberships: { where: { tenantId }, select: { id: true } } } });
  if (user) {
    if (user.memberships.length > 0) throw new AppError('CONFLICT', `${email} is already a member of this tenant.`);
    await tx.membership.create({ data: { tenantId, userId: user.id, role: input.role } });
    return { kind: 'added', userId: user.id, email };
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const invitation = await tx.invitation.create({
    data: { tenantId, email, role: input.role, tokenHash: hashInvitationToken(token), expiresAt },
  });
  return { kind: 'invited', invitationId: invitation.id, email, token, expiresAt };
}

export async function revokeInvitation(tx: Tx, tenantId: string, invitationId: string): Promise<void> {
  const { count } = await tx.invitation.deleteMany({ where: { id: invitationId, tenantId, acceptedAt: null } });
  if (count === 0) throw new AppError('NOT_FOUND', 'No such pending invitation.');
}

/** Refuses a change that would leave the tenant without an owner; runs inside the change's transaction. */
async function assertAnotherOwner(tx: Tx, tenantId: string, userId: string) {
  const others = await tx.membership.count({ where: { tenantId, role: 'owner', userId: { not: userId } } });
  if (others === 0) throw new AppError('LAST_OWNER', 'A tenant must keep at least one owner. Make someone else an owner first.');
}

export async function changeMemberRole(tx: Tx, tenantId: string, userId: string, role: MemberRole): Promise<void> {
  const membership = await tx.membership.findUnique({ where: { userId_tenantId: { userId, tenantId } } });
  if (!membership) throw new AppError('NOT_FOUND', 'No such member.');
  if (membership.role === role) return;
  if (membership.role === 'owner') await assertAnotherOwner(tx, tenantId, userId);
  await tx.membership.update({ where: { id: membership.id }, data: { role } });
}

export async function removeMember(tx: Tx, tenantId: string, userId: string): Promise<void> {
  const membership = await tx.membership.findUnique({ where: { userId_tenantId: { userId, tenantId } } });
  if (!membership) throw new AppError('NOT_FOUND', 'No such member.');
  if (membership.role === 'owner') await assertAnotherOwner(tx, tenantId, userId);
  await tx.membership.delete({ where: { id: membership.id } });
}

export type InvitationState = 'pending' | 'expired' | 'accepted';

export interface InvitationView {
  id: string;
  tenantId: string;
  tenantName: string;
  email: string;
  role: MemberRole;
  state: InvitationState;
  /** Whether an account with the invited email exists (then the invitee signs in to accept). */
  accountExists: boolean;
}

export async function findInvitation(token: string, now = new Date()): Promise<InvitationView | null> {
  const inv = await prisma().invitation.findUnique({ where: { tokenHash: hashInvitationToken(token) }, include: { tenant: { select: { name: true } } } });
  if (!inv) return null;
  const state: InvitationState = inv.acceptedAt ? 'accepted' : inv.expiresAt <= now ? 'expired' : 'pending';
  const accountExists = (await prisma().user.count({ where: { email: inv.email } })) > 0;
  return { id: inv.id, tenantId: inv.tenantId, tenantName: inv.tenant.name, email: inv.email, role: inv.role, state, accountExists };
}

async function pendingInvitation(tx: Tx, token: string, now: Date) {
  const inv = await tx.invitation.findUnique({ where: { tokenHash: hashInvitationToken(token) } });
  if (!inv) throw new AppError('NOT_FOUND', 'This invitation link is not valid.');
  if (inv.acceptedAt) throw new AppError('CONFLICT', 'This invitation has already been used.');
  if (inv.expiresAt <= now) throw new AppError('INVITATION_INVALID', 'This invitation has expired. Ask the owner for a new one.');
  return inv;
}

/** The invitee has no account: create it with the invited email and join the tenant. `address` is the client's, for the audit log. */
export async function acceptInvitationAsNewUser(token: string, input: { name: string; password: string }, address: string | null, now = new Date()) {
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('WEAK_PASSWORD', `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  const passwordHash = await hashPassword(input.password);
  return inTransaction(async (tx) => {
    const inv = await pendingInvitation(tx, token, now);
    if (await tx.user.findUnique({ where: { email: inv.email } })) {
      throw new AppError('CONFLICT', `An account for ${inv.email} already exists. Sign in to accept the invitation.`);
    }
    const user = await tx.user.create({ data: { email: inv.email, name: input.name.trim(), passwordHash } });
    await tx.membership.create({ data: { userId: user.id, tenantId: inv.tenantId, role: inv.role } });
    await tx.invitation.update({ where: { id: inv.id }, data: { acceptedAt: now } });
    await audit(tx, { id: user.id, email: user.email, ip: address }, 'team.invite.accept', { tenantId: inv.tenantId, target: user.email });
    return { userId: user.id, email: user.email, tenantId: inv.tenantId };
  });
}

/** A signed-in user accepts an invitation addressed to their own email. */
export async function acceptInvitationForUser(tx: Tx, token: string, user: { id: string; email: string }, now = new Date()) {
  const inv = await pendingInvitation(tx, token, now);
  if (inv.email !== normalizeEmail(user.email)) {
    throw new AppError('INVITATION_INVALID', `This invitation is for ${inv.email}; you are signed in as ${user.email}.`);
  }
  const existing = await tx.membership.findUnique({ where: { userId_tenantId: { userId: user.id, tenantId: inv.tenantId } } });
  if (!existing) await tx.membership.create({ data: { userId: user.id, tenantId: inv.tenantId, role: inv.role } });
  await tx.invitation.update({ where: { id: inv.id }, data: { acceptedAt: now } });
  return { tenantId: inv.tenantId };
}
