// The portal API's context and procedure builders. Authorization is a named procedure type,
// checked once here, never an `if` repeated in handlers.
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import type { Principal } from '@/server/tenants/principal';
import { activeMembership } from '@/server/tenants/principal';
import { AccountError } from '@/server/tenants/accounts';
import type { AuditActor } from '@/server/audit/log';

export interface Context {
  principal: Principal | null;
  ip: string | null;
  requestedTenantId: string | null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // Internal errors never leak details (or secrets) to the browser.
    if (error.code === 'INTERNAL_SERVER_ERROR') return { ...shape, message: 'Internal error' };
    // A throttled sign-up: the form counts down to when it may try again.
    if (error.cause instanceof AccountError && error.cause.throttle) return { ...shape, data: { ...shape.data, throttle: error.cause.throttle } };
    return shape;
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
  const actor: AuditActor = { id: ctx.principal.userId, email: ctx.principal.email, ip: ctx.ip };
  return next({ ctx: { ...ctx, principal: ctx.principal, actor } });
});

/** A member (owner or member) of the active tenant. */
export const tenantProcedure = authedProcedure.use(({ ctx, next }) => {
  const m = activeMembership(ctx.principal, ctx.requestedTenantId);
  if (!m) throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of any tenant.' });
  return next({ ctx: { ...ctx, tenant: { id: m.tenantId, name: m.tenantName, role: m.role } } });
});

/** The active tenant's owner. */
export const ownerProcedure = tenantProcedure.use(({ ctx, next }) => {
  if (ctx.tenant.role !== 'owner') throw new TRPCError({ code: 'FORBIDDEN', message: 'Only the tenant owner can do this.' });
  return next();
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.principal.platformRole !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'Admins only.' });
  return next();
});

/** Auditors verify any tenant's receipts; admins may too. */
export const auditorProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.principal.platformRole !== 'auditor' && ctx.principal.platformRole !== 'admin') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Auditors only.' });
  }
  return next();
});
