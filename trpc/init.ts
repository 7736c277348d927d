// The portal API's context and procedure builders. Authorization is a named procedure type,
// checked once here, never an `if` repeated in handlers. Errors are mapped here once: an
// AppError becomes the tRPC error its code names (appErrors), and the formatter sends the
// browser structured data (the AppError's code and details, zod's issues) instead of text to parse.
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { AppError, asAppError, type ErrorCode } from '@/server/errors';
import type { Principal } from '@/server/tenants/principal';
import { activeMembership } from '@/server/tenants/principal';
import type { AuditActor } from '@/server/audit/log';

export interface Context {
  principal: Principal | null;
  ip: string | null;
  requestedTenantId: string | null;
  /** Names the request in the server's log and in what the user sees of an internal error. */
  requestId?: string;
}

/** One failed check of the input, as the portal's forms show it next to the field. */
export interface ZodIssueData {
  path: (string | number)[];
  message: string;
}

/** What `error.data` carries to the browser besides tRPC's own code and HTTP status. */
export interface AppErrorData {
  appCode?: ErrorCode;
  details?: Record<string, unknown>;
  zodIssues?: ZodIssueData[];
  requestId?: string;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Never send stack traces to the browser, in development either: the server's log has them.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const data: typeof shape.data & AppErrorData = { ...shape.data };
    if (ctx?.requestId) data.requestId = ctx.requestId;
    if (error.cause instanceof AppError) {
      data.appCode = error.cause.code;
      if (error.cause.details) data.details = error.cause.details;
      return { ...shape, data };
    }
    if (error.cause instanceof ZodError) {
      data.zodIssues = error.cause.issues.map((issue) => ({ path: issue.path.filter((p) => typeof p !== 'symbol'), message: issue.message }));
      return { ...shape, message: error.cause.issues[0]?.message ?? 'The input is not valid.', data };
    }
    // Internal errors never leak details (or secrets) to the browser; the request id finds them in the log.
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      return { ...shape, message: ctx?.requestId ? `Something went wrong (request id ${ctx.requestId}).` : 'Something went wrong.', data };
    }
    return { ...shape, data };
  },
});

/** AppErrors (thrown anywhere below) become the tRPC error their code names, with their message. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const known = asAppError(result.error.cause);
  if (!known) return result;
  return { ...result, error: new TRPCError({ code: known.trpcCode, message: known.message, cause: known }) };
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(appErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.principal) throw new AppError('SIGN_IN_REQUIRED');
  const actor: AuditActor = { id: ctx.principal.userId, email: ctx.principal.email, ip: ctx.ip };
  return next({ ctx: { ...ctx, principal: ctx.principal, actor } });
});

/** A member (owner or member) of the active tenant. */
export const tenantProcedure = authedProcedure.use(({ ctx, next }) => {
  const m = activeMembership(ctx.principal, ctx.requestedTenantId);
  if (!m) throw new AppError('FORBIDDEN', 'You are not a member of any tenant.');
  return next({ ctx: { ...ctx, tenant: { id: m.tenantId, name: m.tenantName, role: m.role } } });
});

/** The active tenant's owner. */
export const ownerProcedure = tenantProcedure.use(({ ctx, next }) => {
  if (ctx.tenant.role !== 'owner') throw new AppError('FORBIDDEN', 'Only the tenant owner can do this.');
  return next();
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.principal.platformRole !== 'admin') throw new AppError('ADMIN_ONLY');
  return next();
});

/** Auditors verify any tenant's receipts; admins may too. */
export const auditorProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.principal.platformRole !== 'auditor' && ctx.principal.platformRole !== 'admin') {
    throw new AppError('FORBIDDEN', 'Auditors only.');
  }
  return next();
});
