// An audit entry commits with the change it records (server/db/transaction.ts). A trigger that
// refuses every insert into audit_log stands in for a failed audit write: each change below is
// then rolled back and its caller told so; with the trigger gone, change and entry appear together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/server/apikeys/repository';
import { ERRORS } from '@/server/errors';
import { createUser } from '@/server/tenants/accounts';
import { loadPrincipal, type Principal } from '@/server/tenants/principal';
import { createCallerFactory } from '@/trpc/init';
import { appRouter } from '@/trpc/root';
import { startTestApi, type TestApi } from '../support/api';

const createCaller = createCallerFactory(appRouter);
let ip = 0;
// Sign-ups are throttled per address: each call comes from an address of its own.
const as = (principal: Principal | null) => createCaller({ principal, ip: `198.51.100.${++ip}`, requestedTenantId: null });

let api: TestApi;
const who = {} as Record<'owner' | 'admin', Principal>;
const keys = {} as Record<'toRotate' | 'toRevoke', string>;

async function refusingAuditWrites<T>(run: () => Promise<T>): Promise<T> {
  await api.db.sql.exec(`
    CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log refused by the test'; END $$;
    CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();`);
  try {
    return await run();
  } finally {
    await api.db.sql.exec('DROP TRIGGER test_refuse_audit ON audit_log; DROP FUNCTION test_refuse_audit();');
  }
}

const entries = (action: string) => api.db.prisma.auditLog.count({ where: { action } });
const json = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

beforeAll(async () => {
  api = await startTestApi();
  await api.tenantWithKey('acme');
  const owner = await createUser({ email: 'owner@acme.test', password: 'a-long-password', name: 'Olive' });
  await api.db.prisma.membership.create({ data: { userId: owner.id, tenantId: 'acme', role: 'owner' } });
  const admin = await createUser({ email: 'admin@signet.test', password: 'a-long-password', name: 'Ada', platformRole: 'admin' });
  who.owner = (await loadPrincipal(owner.id))!;
  who.admin = (await loadPrincipal(admin.id))!;
  keys.toRotate = (await createApiKey({ tenantId: 'acme', name: 'to rotate' })).apiKey.id;
  keys.toRevoke = (await createApiKey({ tenantId: 'acme', name: 'to revoke' })).apiKey.id;
});

afterAll(async () => {
  await api?.close();
});

interface Case {
  /** The audit action the change writes. */
  action: string;
  change: () => Promise<unknown>;
  /** What the change alters, read back outside any transaction. */
  state: () => Promise<unknown>;
}

const reserved = { vexReserved: '5', fuReserved: '0', subscriptionPlan: null, monthlyFee: '100', vexTiers: [{ threshold: '100', pricePerUnit: '0.01', stripeItem: null }], fuTiers: [{ threshold: '100', pricePerUnit: '0.01', stripeItem: null }] };

const cases: [string, Case][] = [
  ['apiKeys.create', {
    action: 'apikey.create',
    change: () => as(who.owner).apiKeys.create({ name: 'CI' }),
    state: () => api.db.prisma.apiKey.findMany({ where: { tenantId: 'acme', name: 'CI' } }),
  }],
  ['apiKeys.rotate', {
    action: 'apikey.rotate',
    change: () => as(who.owner).apiKeys.rotate({ id: keys.toRotate, overlap: '1h' }),
    state: async () => [await api.db.prisma.apiKey.findUnique({ where: { id: keys.toRotate } }), await api.db.prisma.apiKey.count({ where: { name: 'to rotate' } })],
  }],
  ['apiKeys.revoke', {
    action: 'apikey.revoke',
    change: () => as(who.owner).apiKeys.revoke({ id: keys.toRevoke }),
    state: () => api.db.prisma.apiKey.findUnique({ where: { id: keys.toRevoke }, select: { revokedAt: true } }),
  }],
  ['billing.adminPlans.save', {
    action: 'billing.plan.save',
    change: () => as(who.admin).billing.adminPlans.save({ id: 'starter', name: 'Starter 2', monthlyFeeUsd: '59', includedVex: '1000', includedFu: '10', active: true }),
    state: () => api.db.prisma.plan.findUnique({ where: { id: 'starter' } }),
  }],
  ['billing.adminReserved.save', {
    action: 'billing.reserved.save',
    change: () => as(who.admin).billing.adminReserved.save({ tenantId: 'acme', ...reserved }),
    state: () => api.db.prisma.reservedCapacity.findUnique({ where: { tenantId: 'acme' } }),
  }],
  ['allowlist.add', {
    action: 'allowlist.tenant.add',
    change: () => as(who.owner).allowlist.add({ entry: 'api.partner.example' }),
    state: async () => (await api.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } })).allowlist,
  }],
  ['team.add (an invitation)', {
    action: 'team.invite',
    change: () => as(who.owner).team.add({ email: 'new@acme.test', role: 'member' }),
    state: () => api.db.prisma.invitation.findMany({ where: { email: 'new@acme.test' } }),
  }],
  ['account.signUp', {
    action: 'tenant.signup',
    change: () => as(null).account.signUp({ name: 'Nia', company: 'Initech', email: 'nia@initech.test', password: 'a-long-password' }),
    state: async () => [await api.db.prisma.user.findMany({ where: { email: 'nia@initech.test' } }), await api.db.prisma.tenant.findMany({ where: { name: 'Initech' } })],
  }],
  // The raw-SQL path: the rotation's own transaction writes its entry.
  ['admin.rotateSigningKey', {
    action: 'signing_key.rotate',
    change: () => as(who.admin).admin.rotateSigningKey(),
    state: () => api.db.prisma.signingKey.findMany({ orderBy: { kid: 'asc' }, select: { kid: true, active: true } }),
  }],
];

describe('an audit entry commits with its change', () => {
  it.each(cases)('%s: refused entry, no change and a clear error; then both', async (_name, { action, change, state }) => {
    const before = json(await state());
    const logged = await entries(action);

    const error = await refusingAuditWrites(change).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', message: ERRORS.AUDIT_LOG_FAILED.message, cause: { code: 'AUDIT_LOG_FAILED', details: { action } } });
    expect(json(await state())).toBe(before);
    expect(await entries(action)).toBe(logged);

    await change();
    expect(json(await state())).not.toBe(before);
    expect(await entries(action)).toBe(logged + 1);
  });

  it('names the actor and the change in the entry written with it', async () => {
    const created = await as(who.owner).apiKeys.create({ name: 'named' });
    const entry = await api.db.prisma.auditLog.findFirst({ where: { action: 'apikey.create', target: created.apiKey.prefix } });
    expect(entry).toMatchObject({ actorEmail: 'owner@acme.test', tenantId: 'acme', detail: { name: 'named' } });
  });
});
