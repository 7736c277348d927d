import { z } from 'zod';
import { listTraces } from '@/server/chains/repository';
import { auditorProcedure, router } from '../init';

export const auditorRouter = router({
  /** Recent traces across tenants, to pick one to verify; `search` is a trace id prefix. */
  traces: auditorProcedure
    .input(z.object({ search: z.string().trim().max(128).optional() }))
    .query(({ input }) => listTraces({ search: input.search || undefined, take: 20 })),
});
