import { z } from 'zod';
import { audit } from '@/server/audit/log';
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
      const result = await addMember(ctx.tenant.id, input);
      await audit(ctx.actor, result.kind === 'added' ? 'team.member.add' : 'team.invite', {
        tenantId: ctx.tenant.id,
        target: result.email,
        detail: { role: input.role },
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
    await changeMemberRole(ctx.tenant.id, input.userId, input.role);
    await audit(ctx.actor, 'team.member.role', { tenantId: ctx.tenant.id, target: input.userId, detail: { role: input.role } });
    return { ok: true };
  }),

  remove: ownerProcedure.input(z.object({ userId })).mutation(async ({ input, ctx }) => {
    await removeMember(ctx.tenant.id, input.userId);
    await audit(ctx.actor, 'team.member.remove', { tenantId: ctx.tenant.id, target: input.userId });
    return { ok: true };
  }),

  revokeInvitation: ownerProcedure.input(z.object({ id: z.string().min(1).max(64) })).mutation(async ({ input, ctx }) => {
    await revokeInvitation(ctx.tenant.id, input.id);
    await audit(ctx.actor, 'team.invite.revoke', { tenantId: ctx.tenant.id, target: input.id });
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
      const joined = await acceptInvitationAsNewUser(input.token, input);
      await audit({ id: joined.userId, email: joined.email, ip: ctx.ip }, 'team.invite.accept', { tenantId: joined.tenantId, target: joined.email });
      return { email: joined.email };
    }),

  accept: authedProcedure.input(z.object({ token })).mutation(async ({ input, ctx }) => {
    const joined = await acceptInvitationForUser(input.token, { id: ctx.principal.userId, email: ctx.principal.email });
    await audit(ctx.actor, 'team.invite.accept', { tenantId: joined.tenantId, target: ctx.principal.email });
    return joined;
  }),
});
