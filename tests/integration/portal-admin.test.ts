// The admin console and auditor procedures: who may call them, and what they read and write.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/server/apikeys/repository';
import { seedCatalog } from '@/server/bootstrap/catalog';
import { ensureSigningKey, jwks } from '@/server/keys/signing-keys';
import { createUser } from '@/server/tenants/accounts';
import type { Principal } from '@/server/tenants/principal';
import { createCallerFactory } from '@/trpc/init';
import { adminRouter } from '@/trpc/routers/admin';
import { appRouter } from '@/trpc/root';
import { openTestDatabase, type TestDatabase } from '../support/db';

const createCaller = createCallerFactory(appRouter);
const callerFor = (principal: Principal | null) => createCaller({ principal, ip: '203.0.113.9', requestedTenantId: null });

let db: TestDatabase;
const people = {} as Record<'admin' | 'auditor' | 'owner' | 'member', Principal>;

function principal(userId: string, email: string, platformRole: Principal['platformRole'], role?: 'owner' | 'member'): Principal {
  return { userId, email, name: email, platformRole, memberships: role ? [{ tenantId: 'acme', tenantName: 'Acme', role }] : [] };
}

beforeAll(async () => {
  db = await openTestDatabase();
  await ensureSigningKey({ seedB64: null, kid: null });
  await seedCatalog();
  const p = db.prisma;
  await p.tenant.create({ data: { id: 'acme', name: 'Acme Robotics', planId: 'starter', subscriptionStatus: 'active', createdAt: new Date('2024-01-01T00:00:00Z') } });
  await p.tenant.create({ data: { id: 'globex', name: 'Globex', createdAt: new Date('2024-02-01T00:00:00Z') } });
  const users = {
    admin: await createUser({ email: 'admin@example.com', password: 'a-long-password', name: 'Ada', platformRole: 'admin' }),
    auditor: await createUser({ email: 'auditor@example.com', password: 'a-long-password', name: 'Avery', platformRole: 'auditor' }),
    owner: await createUser({ email: 'owner@example.com', password: 'a-long-password', name: 'Olive' }),
    member: await createUser({ email: 'member@example.com', password: 'a-long-password', name: 'Max' }),
  };
  await p.membership.create({ data: { userId: users.owner.id, tenantId: 'acme', role: 'owner' } });
  await p.membership.create({ data: { userId: users.member.id, tenantId: 'acme', role: 'member' } });
  people.admin = principal(users.admin.id, users.admin.email, 'admin');
  people.auditor = principal(users.auditor.id, users.auditor.email, 'auditor');
  people.owner = principal(users.owner.id, users.owner.email, 'none', 'owner');
  people.member = principal(users.member.id, users.member.email, 'none', 'member');

  const live = await createApiKey({ tenantId: 'acme', name: 'live' });
  const revoked = await createApiKey({ tenantId: 'acme', name: 'old' });
  await p.apiKey.update({ where: { id: revoked.apiKey.id }, data: { revokedAt: new Date(Date.now() - 1000) } });
  const thisMonth = new Date();
  const lastMonth = new Date(Date.UTC(thisMonth.getUTCFullYear(), thisMonth.getUTCMonth(), 0, 12));
  await p.usageEvent.createMany({
    data: [
      { tenantId: 'acme', apiKeyId: live.apiKey.id, meter: 'vex', units: 1n, receiptHash: 'sha256:a', occurredAt: thisMonth },
      { tenantId: 'acme', apiKeyId: live.apiKey.id, meter: 'vex', units: 1n, receiptHash: 'sha256:b', occurredAt: thisMonth },
      { tenantId: 'acme', apiKeyId: live.apiKey.id, meter: 'fu', units: 420n, receiptHash: 'sha256:b', occurredAt: thisMonth },
      { tenantId: 'acme', apiKeyId: live.apiKey.id, meter: 'vex', units: 1n, receiptHash: 'sha256:c', occurredAt: lastMonth },
    ],
  });
});

afterAll(async () => {
  await db?.dispose();
});

/** A syntactically valid input for every admin procedure, so only authorization can refuse it. */
const sampleInputs: Record<keyof typeof adminRouter._def.procedures, unknown> = {
  tenants: {},
  tenant: { id: 'acme' },
  usageReview: { tenantId: 'acme', period: 'current' },
  globalAllowlist: undefined,
  saveGlobalAllowlist: { entries: ['api.example.com'] },
  signingKeys: undefined,
  rotateSigningKey: undefined,
  auditLog: {},
};

type AnyProcedure = (input: unknown) => Promise<unknown>;
const adminCall = (who: Principal | null, name: string) => (callerFor(who).admin as unknown as Record<string, AnyProcedure>)[name]!;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : `unexpected ${String(error)}`;
  }
}

describe('authorization', () => {
  it('lists a sample input for every admin procedure', () => {
    expect(Object.keys(sampleInputs).sort()).toEqual(Object.keys(adminRouter._def.procedures).sort());
  });

  it.each(['owner', 'member', 'auditor'] as const)('refuses every admin procedure to a %s with FORBIDDEN', async (who) => {
    for (const [name, input] of Object.entries(sampleInputs)) {
      expect(`${name}: ${await codeOf(adminCall(people[who], name)(input))}`).toBe(`${name}: FORBIDDEN`);
    }
  });

  it('refuses every admin procedure to a signed-out visitor with UNAUTHORIZED', async () => {
    for (const [name, input] of Object.entries(sampleInputs)) {
      expect(`${name}: ${await codeOf(adminCall(null, name)(input))}`).toBe(`${name}: UNAUTHORIZED`);
    }
  });

  it('lets auditors and admins list traces, and no tenant user', async () => {
    expect(await codeOf(callerFor(people.auditor).auditor.traces({}))).toBe('OK');
    expect(await codeOf(callerFor(people.admin).auditor.traces({}))).toBe('OK');
    expect(await codeOf(callerFor(people.owner).auditor.traces({}))).toBe('FORBIDDEN');
    expect(await codeOf(callerFor(people.member).auditor.traces({}))).toBe('FORBIDDEN');
  });
});

describe('tenants', () => {
  it('lists tenants newest first with members, live keys and this month’s VEx', async () => {
    const rows = await callerFor(people.admin).admin.tenants({});
    expect(rows.map((r) => r.id)).toEqual(['globex', 'acme']);
    expect(rows[1]).toMatchObject({ name: 'Acme Robotics', plan: 'Starter', subscriptionStatus: 'active', memberCount: 2, activeKeyCount: 1, vexThisMonth: 2n });
    expect(rows[0]).toMatchObject({ plan: null, memberCount: 0, activeKeyCount: 0, vexThisMonth: 0n });
  });

  it('searches by id or name, case-insensitively', async () => {
    const admin = callerFor(people.admin).admin;
    expect((await admin.tenants({ search: 'ROBO' })).map((r) => r.id)).toEqual(['acme']);
    expect((await admin.tenants({ search: 'glob' })).map((r) => r.id)).toEqual(['globex']);
    expect(await admin.tenants({ search: 'nobody' })).toEqual([]);
  });

  it('shows a tenant’s members, keys (prefix and status, never the hash) and usage', async () => {
    const t = await callerFor(people.admin).admin.tenant({ id: 'acme' });
    expect(t.members.map((m) => [m.email, m.role])).toEqual([
      ['owner@example.com', 'owner'],
      ['member@example.com', 'member'],
    ]);
    expect(t.keys.map((k) => [k.name, k.status]).sort()).toEqual([
      ['live', 'active'],
      ['old', 'revoked'],
    ]);
    expect(JSON.stringify(t.keys.map((k) => Object.keys(k)))).not.toMatch(/hash/);
    expect(t).toMatchObject({ vexThisMonth: 2n, fuThisMonth: 420n, reserved: null, recentTraces: [] });
  });

  it('answers NOT_FOUND for an unknown tenant', async () => {
    expect(await codeOf(callerFor(people.admin).admin.tenant({ id: 'nope' }))).toBe('NOT_FOUND');
  });
});

describe('global allowlist', () => {
  it('refuses invalid entries with a message at the entry’s index, and saves nothing', async () => {
    const admin = callerFor(people.admin).admin;
    const error = await admin.saveGlobalAllowlist({ entries: ['api.example.com', 'https://bad.example.com/x', '10.0.0.1'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    const issues = JSON.parse((error as TRPCError).message) as { path: (string | number)[]; message: string }[];
    expect(issues.map((i) => i.path)).toEqual([
      ['entries', 1],
      ['entries', 2],
    ]);
    expect(issues[0]!.message).toMatch(/not a host pattern/);
    expect(issues[1]!.message).toMatch(/private address/);
    expect((await admin.globalAllowlist()).entries).toEqual([]);
  });

  it('saves normalized, de-duplicated entries, shows the environment’s entries apart, and audit-logs the change', async () => {
    process.env.SP_HEL_ALLOWLIST = 'env.example.com,*.env.example.org';
    try {
      const admin = callerFor(people.admin).admin;
      const saved = await admin.saveGlobalAllowlist({ entries: ['API.Example.com', 'api.example.com:443', '*.partner.example:8443'] });
      expect(saved.entries).toEqual(['api.example.com', '*.partner.example:8443']);
      expect(await admin.globalAllowlist()).toEqual({ fromEnvironment: ['env.example.com', '*.env.example.org'], entries: saved.entries });
      await admin.saveGlobalAllowlist({ entries: ['*.partner.example:8443', 'new.example.net'] });
      const [entry] = (await admin.auditLog({ actionPrefix: 'allowlist.global' })).entries;
      expect(entry).toMatchObject({ actorEmail: 'admin@example.com', ip: '203.0.113.9', target: 'hel.allowlist', detail: { added: ['new.example.net'], removed: ['api.example.com'] } });
    } finally {
      delete process.env.SP_HEL_ALLOWLIST;
    }
  });
});

describe('signing keys', () => {
  it('rotation activates a new key, keeps the old kid in the JWKS and writes the audit log', async () => {
    const admin = callerFor(people.admin).admin;
    const [before] = await admin.signingKeys();
    expect(before).toMatchObject({ active: true, retiredAt: null, encrypted: false });
    const { kid, retired } = await admin.rotateSigningKey();
    expect(retired).toBe(before!.kid);
    expect(kid).not.toBe(before!.kid);

    const keys = await admin.signingKeys();
    expect(keys.find((k) => k.kid === kid)).toMatchObject({ active: true, retiredAt: null });
    expect(keys.find((k) => k.kid === before!.kid)).toMatchObject({ active: false, retiredAt: expect.any(Date) });
    expect(keys.filter((k) => k.active)).toHaveLength(1);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([before!.kid, kid]);

    const [entry] = (await admin.auditLog({ actionPrefix: 'signing_key.' })).entries;
    expect(entry).toMatchObject({ action: 'signing_key.rotate', actorId: people.admin.userId, target: kid, detail: { retired: before!.kid } });
  });
});

describe('audit log', () => {
  it('pages newest first and filters by tenant and action prefix', async () => {
    const admin = callerFor(people.admin).admin;
    await db.prisma.auditLog.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({ action: i % 2 ? 'apikey.create' : 'team.invite', tenantId: i % 3 ? 'acme' : 'globex', target: `t${i}` })),
    });
    const first = await admin.auditLog({});
    expect(first.entries).toHaveLength(25);
    expect(first.nextBefore).not.toBeNull();
    const ids = first.entries.map((e) => e.id);
    expect([...ids].sort((a, b) => (a > b ? -1 : 1))).toEqual(ids);
    const second = await admin.auditLog({ before: first.nextBefore! });
    expect(second.entries[0]!.id).toBeLessThan(ids.at(-1)!);
    expect(second.nextBefore).toBeNull();

    const filtered = await admin.auditLog({ tenantId: 'globex', actionPrefix: 'apikey.' });
    expect(filtered.entries.length).toBe(5);
    expect(filtered.entries.every((e) => e.tenantId === 'globex' && e.action === 'apikey.create')).toBe(true);
  });
});
