import { z } from 'zod';
import { signUp } from '@/server/tenants/accounts';
import { requestPasswordReset, resetPassword } from '@/server/tenants/password-reset';
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
      const { tenant } = await signUp(input, ctx.ip);
      return { tenantId: tenant.id };
    }),

  /** Always answers the same, whether or not the address has an account (throttled alike). */
  requestPasswordReset: publicProcedure.input(z.object({ email: z.string().trim().email('Enter a valid email address').max(254) })).mutation(async ({ input, ctx }) => {
    await requestPasswordReset(input.email, ctx.ip);
    return { requested: true };
  }),

  resetPassword: publicProcedure
    .input(z.object({ token: z.string().min(20).max(100), password: z.string().min(10, 'Password must be at least 10 characters').max(200) }))
    .mutation(({ input, ctx }) => resetPassword(input.token, input.password, ctx.ip)),

  me: authedProcedure.query(({ ctx }) => ctx.principal),
});
