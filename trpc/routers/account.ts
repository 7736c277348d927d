import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { AccountError, signUp } from '@/server/tenants/accounts';
import { audit } from '@/server/audit/log';
import { authedProcedure, publicProcedure, router } from '../init';

export const accountRouter = router({
  signUp: publicProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, 'Your name is required').max(120),
        company: z.string().trim().min(1, 'Company name is required').max(120),
        email: z.string().trim().email('Enter a valid email address').max(254),
        password: z.string().min(10, 'Password must be at least 10 characters').max(200),
      }),
    )
    .mutation(async ({ input, ctx }) => {
      try {
        const { user, tenant } = await signUp(input, ctx.ip);
        await audit({ id: user.id, email: user.email, ip: ctx.ip }, 'tenant.signup', { tenantId: tenant.id, target: tenant.id });
        return { tenantId: tenant.id };
      } catch (err) {
        if (err instanceof AccountError) throw new TRPCError({ code: err.code === 'THROTTLED' ? 'TOO_MANY_REQUESTS' : 'BAD_REQUEST', message: err.message, cause: err });
        throw err;
      }
    }),

  me: authedProcedure.query(({ ctx }) => ctx.principal),
});
