import { z } from 'zod';
import { audit } from '@/server/audit/log';
import { inTransaction } from '@/server/db/transaction';
import { portalLink, sendEmail } from '@/server/email/mailer';
import {
  acceptInvitationAsNewUser,
  acceptInvitationForUser,
  addMember,
  changeMemberRole,
  listMembers,
  listPendingInvitations,
  removeMember,
  revokeInvitation,
} from '@/server/tenants/team';
import { authedProcedure, ownerProcedure, publicProcedure, router, tenantProcedure } from '../init';

const role = z.enum(['owner', 'member']);
const userId = z.string().min(1).max(64);
const token = z.string().min(20).max(100);

export const teamRouter = router({
  list: tenantProcedure.query(async ({ ctx }) => ({
    members: await listMembers(ctx.tenant.id),
    invitations: await listPendingInvitations(ctx.tenant.id),
  })),

  add: ownerProcedure
    .input(z.object({ email: z.string().trim().email('Enter a valid email address').max(254), role }))
    .mutation(async ({ input, ctx }) => {
      const result = await inTransaction(async (tx) => {
        const added = await addMember(tx, ctx.tenant.id, input);
        await audit(tx, ctx.actor, added.kind === 'added' ? 'team.member.add' : 'team.invite', {
          tenantId: ctx.tenant.id,
          target: added.email,
          detail: { role: input.role },
        });
        return added;
      });
      if (result.kind === 'added') return { ...result, emailed: false };
      const link = portalLink(`/invite/${result.token}`);
      const delivery = await sendEmail({
        to: result.email,
        subject: `${ctx.principal.email} invited you to ${ctx.tenant.name} on Signet`,
        text: `${ctx.principal.email} invited you to join ${ctx.tenant.name} on Signet as ${input.role === 'owner' ? 'an owner' : 'a member'}.\n\nAccept the invitation here (the link works for 7 days):\n${link}\n`,
        link,
      });
      return { ...result, emailed: delivery.delivered };
    }),

  changeRole: ownerProcedure.input(z.object({ userId, role })).mutation(async ({ input, ctx }) => {
    await inTransaction(async (tx) => {
      await changeMemberRole(tx, ctx.tenant.id, input.userId, input.role);
      await audit(tx, ctx.actor, 'team.member.role', { tenantId: ctx.tenant.id, target: input.userId, detail: { role: input.role } });
    });
    return { ok: true };
  }),

  remove: ownerProcedure.input(z.object({ userId })).mutation(async ({ input, ctx }) => {
    await inTransaction(async (tx) => {
      await removeMember(tx, ctx.tenant.id, input.userId);
      await audit(tx, ctx.actor, 'team.member.remove', { tenantId: ctx.tenant.id, target: input.userId });
    });
    return { ok: true };
  }),

  revokeInvitation: ownerProcedure.input(z.object({ id: z.string().min(1).max(64) })).mutation(async ({ input, ctx }) => {
    await inTransaction(async (tx) => {
      await revokeInvitation(tx, ctx.tenant.id, input.id);
      await audit(tx, ctx.actor, 'team.invite.revoke', { tenantId: ctx.tenant.id, target: input.id });
    });
    return { ok: true };
  }),

  acceptAsNewUser: publicProcedure
    .input(
      z.object({
        token,
        name: z.string().trim().min(1, 'Your name is required').max(120),
        password: z.string().min(10, 'Password must be at least 10 characters').max(200),
      }),
    )
    .mutation(async ({ input, ctx }) => {
      const joined = await acceptInvitationAsNewUser(input.token, input, ctx.ip);
      return { email: joined.email };
    }),

  accept: authedProcedure.input(z.object({ token })).mutation(async ({ input, ctx }) => {
    return inTransaction(async (tx) => {
      const joined = await acceptInvitationForUser(tx, input.token, { id: ctx.principal.userId, email: ctx.principal.email });
      await audit(tx, ctx.actor, 'team.invite.accept', { tenantId: joined.tenantId, target: ctx.principal.email });
      return joined;
    });
  }),
});
