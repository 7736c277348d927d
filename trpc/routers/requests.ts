import { z } from 'zod';
import { AppError } from '@/server/errors';
import { listRequests, requestDetail, requestErrorCodes } from '@/server/requestlog/repository';
import { router, tenantProcedure } from '../init';

const short = z.string().trim().min(1).max(200);
const cursor = z.object({ at: z.string().max(40).datetime(), id: z.string().max(19).regex(/^\d{1,19}$/) });

// The calling tenant's request log (server/requestlog): every read is scoped to ctx.tenant.
export const requestsRouter = router({
  list: tenantProcedure
    .input(
      z.object({
        outcome: z.enum(['success', 'refused', 'replay']).optional(),
        status: z.number().int().min(100).max(599).optional(),
        code: short.optional(),
        apiKeyId: short.optional(),
        type: short.optional(),
        from: z.date().optional(),
        to: z.date().optional(),
        cursor: cursor.optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ input, ctx }) => {
      const { cursor: after, limit, ...filter } = input;
      return listRequests({ ...filter, tenantId: ctx.tenant.id }, { cursor: after, limit });
    }),

  codes: tenantProcedure.query(({ ctx }) => requestErrorCodes(ctx.tenant.id)),

  detail: tenantProcedure.input(z.object({ id: z.string().max(19).regex(/^\d{1,19}$/) })).query(async ({ input, ctx }) => {
    const detail = await requestDetail(ctx.tenant.id, input.id);
    if (!detail) throw new AppError('NOT_FOUND', 'No such request in this tenant.');
    return detail;
  }),
});
