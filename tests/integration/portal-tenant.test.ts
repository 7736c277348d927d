// The tenant portal procedures: roles, tenant isolation, secrets shown once, and team rules,
// against the real API (exchanges create real traces) over a fresh database.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey, clearApiKeyCache } from '@/server/apikeys/authenticate';
import { hashApiKey } from '@/server/apikeys/secret';
import { findInvitation, hashInvitationToken } from '@/server/tenants/team';
import { createUser } from '@/server/tenants/accounts';
import { loadPrincipal, type Principal } from '@/server/tenants/principal';
import { createCallerFactory } from '@/trpc/init';
import { appRouter } from '@/trpc/root';
import { startTestApi, type TestApi } from '../support/api';

const createCaller = createCallerFactory(appRouter);
const as = (principal: Principal | null) => createCaller({ principal, ip: '198.51.100.7', requestedTenantId: null });

let api: TestApi;
let financeExample: { payload_type: string; target_type: string; payload: unknown };
const who = {} as Record<'owner' | 'member' | 'other', Principal>;
let acmeTrace: string;

async function personIn(tenantId: string, email: string, role: 'owner' | 'member') {
  const user = await createUser({ email, password: 'a-long-password', name: email.split('@')[0]! });
  await api.db.prisma.membership.create({ data: { userId: user.id, tenantId, role } });
  return (await loadPrincipal(user.id))!;
}

beforeAll(async () => {
  api = await startTestApi();
  financeExample = JSON.parse(await readFile('server/mappings/verticals/finance/examples/finance-demo.json', 'utf8'));
  const acmeKey = await api.tenantWithKey('acme');
  await api.tenantWithKey('globex');
  who.owner = await personIn('acme', 'owner@acme.test', 'owner');
  who.member = await personIn('acme', 'member@acme.test', 'member');
  who.other = await personIn('globex', 'owner@globex.test', 'owner');
  const res = await api.exchange(acmeKey, { payload_type: financeExample.payload_type, target_type: financeExample.target_type, payload: financeExample.payload });
  expect(res.status).toBe(200);
  acmeTrace = ((await res.json()) as { trace_id: string }).trace_id;
});

afterAll(async () => {
  await api?.close();
});

const ownerOnlyCalls: [string, (c: ReturnType<typeof as>) => Promise<unknown>][] = [
  ['apiKeys.create', (c) => c.apiKeys.create({ name: 'x' })],
  ['apiKeys.revoke', (c) => c.apiKeys.revoke({ id: 'any' })],
  ['apiKeys.rotate', (c) => c.apiKeys.rotate({ id: 'any', overlap: '1h' })],
  ['allowlist.add', (c) => c.allowlist.add({ entry: 'api.example.com' })],
  ['allowlist.remove', (c) => c.allowlist.remove({ entry: 'api.example.com' })],
  ['fallback.save', (c) => c.fallback.save({ fallbackEnabled: true, fuMonthlyLimit: 10n })],
  ['team.add', (c) => c.team.add({ email: 'new@acme.test', role: 'member' })],
  ['team.changeRole', (c) => c.team.changeRole({ userId: who.owner.userId, role: 'member' })],
  ['team.remove', (c) => c.team.remove({ userId: who.owner.userId })],
  ['team.revokeInvitation', (c) => c.team.revokeInvitation({ id: 'any' })],
];

describe('roles', () => {
  it.each(ownerOnlyCalls)('a member gets FORBIDDEN from %s', async (_name, call) => {
    await expect(call(as(who.member))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a member can read the tenant pages', async () => {
    const member = as(who.member);
    await expect(member.apiKeys.list()).resolves.toHaveLength(1);
    expect((await member.receipts.list({})).items).toHaveLength(1);
    await expect(member.overview.summary()).resolves.toMatchObject({ traces: 1, activeKeys: 1 });
  });

  it('anonymous callers are UNAUTHORIZED', async () => {
    await expect(as(null).apiKeys.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('tenant isolation', () => {
  it("another tenant sees neither the keys nor the traces", async () => {
    const other = as(who.other);
    const acmeKeyIds = (await as(who.owner).apiKeys.list()).map((k) => k.id);
    expect((await other.apiKeys.list()).map((k) => k.id)).not.toContain(acmeKeyIds[0]);
    expect((await other.receipts.list({})).items).toEqual([]);
    await expect(other.receipts.chain({ traceId: acmeTrace })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(other.receipts.exportBundle({ traceId: acmeTrace })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(other.apiKeys.revoke({ id: acmeKeyIds[0]! })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('the owning tenant reads its chain and export bundle', async () => {
    const owner = as(who.owner);
    expect((await owner.receipts.list({ search: acmeTrace.slice(0, 6) })).items.map((t) => t.traceId)).toEqual([acmeTrace]);
    expect((await owner.receipts.list({ search: 'zz-no-such-prefix' })).items).toEqual([]);
    const chain = await owner.receipts.chain({ traceId: acmeTrace });
    expect(chain.map((r) => r.hop)).toEqual([1]);
    const bundle = await owner.receipts.exportBundle({ traceId: acmeTrace });
    expect(bundle.chain).toEqual(chain);
  });
});

describe('API keys', () => {
  it('shows the secret once: the list never has it and the database holds only its hash', async () => {
    const owner = as(who.owner);
    const created = await owner.apiKeys.create({ name: 'CI', allowlist: ['API.Example.com'], fallbackEnabled: true, fuMonthlyLimit: 5000n });
    expect(created.secret).toMatch(/^sk_live_/);
    expect(created.apiKey).toMatchObject({ name: 'CI', allowlist: ['api.example.com'], fallbackEnabled: true, fuMonthlyLimit: 5000n, status: 'active' });
    const listed = JSON.stringify(await owner.apiKeys.list(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(listed).not.toContain(created.secret);
    expect(listed).not.toContain(hashApiKey(created.secret));
    const row = await api.db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.apiKey.id } });
    expect(row.hash).toBe(hashApiKey(created.secret));
    expect(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain(created.secret);
    const log = await api.db.prisma.auditLog.findFirst({ where: { action: 'apikey.create', target: created.apiKey.prefix } });
    expect(log).toMatchObject({ actorEmail: 'owner@acme.test', tenantId: 'acme', ip: '198.51.100.7' });
  });

  it('refuses an invalid per-key allowlist entry and a past expiry', async () => {
    const owner = as(who.owner);
    await expect(owner.apiKeys.create({ name: 'bad', allowlist: ['https://api.example.com/path'] })).rejects.toThrow(/not a host pattern/);
    await expect(owner.apiKeys.create({ name: 'old', expiresAt: new Date(Date.now() - 60_000) })).rejects.toThrow(/must be in the future/);
  });

  it('revoke makes the key unusable', async () => {
    const owner = as(who.owner);
    const { secret, apiKey } = await owner.apiKeys.create({ name: 'short-lived' });
    expect(await authenticateApiKey(secret)).toMatchObject({ keyId: apiKey.id });
    await owner.apiKeys.revoke({ id: apiKey.id });
    clearApiKeyCache();
    expect(await authenticateApiKey(secret)).toBe('revoked');
    expect((await owner.apiKeys.list()).find((k) => k.id === apiKey.id)?.status).toBe('revoked');
    await expect(owner.apiKeys.revoke({ id: apiKey.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rotation issues a new secret and ends the old key after the overlap', async () => {
    const owner = as(who.owner);
    const old = await owner.apiKeys.create({ name: 'rotating', fuMonthlyLimit: 7n });
    const before = Date.now();
    const rotated = await owner.apiKeys.rotate({ id: old.apiKey.id, overlap: '24h' });
    expect(rotated.secret).not.toBe(old.secret);
    expect(rotated.apiKey).toMatchObject({ name: 'rotating', fuMonthlyLimit: 7n, expiresAt: null });
    const overlapEnd = rotated.previousExpiresAt.getTime() - before;
    expect(overlapEnd).toBeGreaterThanOrEqual(86_400_000 - 1000);
    expect(overlapEnd).toBeLessThanOrEqual(86_400_000 + 5000);
    clearApiKeyCache();
    expect(await authenticateApiKey(old.secret)).toMatchObject({ keyId: old.apiKey.id });
    expect(await authenticateApiKey(old.secret, Date.now() + 86_400_000 + 10_000)).toBe('expired');
  });
});

describe('egress allowlist', () => {
  it('validates, normalizes and audits entries', async () => {
    const owner = as(who.owner);
    await expect(owner.allowlist.add({ entry: 'http://api.example.com/x' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/not a host pattern/) });
    await expect(owner.allowlist.add({ entry: '10.0.0.1' })).rejects.toThrow(/private address/);
    await expect(owner.allowlist.add({ entry: '*.com' })).rejects.toThrow(/wildcard needs a domain/);
    expect(await owner.allowlist.add({ entry: 'Partner.Example.COM' })).toEqual({ entry: 'partner.example.com', added: true });
    expect(await owner.allowlist.add({ entry: 'partner.example.com' })).toEqual({ entry: 'partner.example.com', added: false });
    expect((await owner.allowlist.get()).entries).toEqual(['partner.example.com']);
    expect(await api.db.prisma.auditLog.count({ where: { action: 'allowlist.tenant.add', tenantId: 'acme' } })).toBe(1);
    await owner.allowlist.remove({ entry: 'partner.example.com' });
    expect((await owner.allowlist.get()).entries).toEqual([]);
    await expect(owner.allowlist.remove({ entry: 'partner.example.com' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('tests a URL against the real policy', async () => {
    const member = as(who.member);
    expect(await member.allowlist.test({ url: 'http://partner.example.com/' })).toMatchObject({ allowed: false, code: 'HEL_SCHEME_NOT_HTTPS' });
    expect(await member.allowlist.test({ url: 'https://127.0.0.1/' })).toMatchObject({ allowed: false, code: 'HEL_RESOLVED_LOOPBACK' });
    expect(await member.allowlist.test({ url: 'https://not-listed.example.org/' })).toMatchObject({ allowed: false, code: 'HEL_HOST_NOT_ALLOWED' });
    await as(who.owner).allowlist.add({ entry: '93.184.215.14' });
    expect(await member.allowlist.test({ url: 'https://93.184.215.14/hook' })).toMatchObject({ allowed: true, addresses: ['93.184.215.14'] });
  });
});

describe('LLM fallback settings', () => {
  it('saves settings and reports this month’s FU usage', async () => {
    const owner = as(who.owner);
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 0, 12));
    await api.db.prisma.usageEvent.createMany({
      data: [
        { tenantId: 'acme', meter: 'fu', units: 300n, receiptHash: 'sha256:fu-now', occurredAt: new Date() },
        { tenantId: 'acme', meter: 'fu', units: 999n, receiptHash: 'sha256:fu-then', occurredAt: lastMonth },
        { tenantId: 'globex', meter: 'fu', units: 50n, receiptHash: 'sha256:fu-other', occurredAt: new Date() },
      ],
    });
    expect(await owner.fallback.save({ fallbackEnabled: true, fuMonthlyLimit: 10_000n })).toEqual({ fallbackEnabled: true, fuMonthlyLimit: 10_000n });
    expect(await owner.fallback.get()).toMatchObject({ fallbackEnabled: true, fuMonthlyLimit: 10_000n, fuUsed: 300n });
    expect(await api.db.prisma.auditLog.count({ where: { action: 'fallback.update', tenantId: 'acme' } })).toBe(1);
    const summary = await owner.overview.summary();
    expect(summary.usage).toEqual({ vex: 1n, fu: 300n });
    expect(summary.daily.reduce((sum, d) => sum + d.fu, 0n)).toBe(300n);
    expect(summary.included).toMatchObject({ source: 'plan', vex: 10_000n, fu: 50_000n });
  });
});

describe('team', () => {
  it('adds an existing user at once and invites a new one with a hashed token', async () => {
    const owner = as(who.owner);
    await createUser({ email: 'existing@elsewhere.test', password: 'a-long-password', name: 'Ex' });
    expect(await owner.team.add({ email: 'Existing@Elsewhere.test', role: 'member' })).toMatchObject({ kind: 'added', email: 'existing@elsewhere.test' });
    await expect(owner.team.add({ email: 'existing@elsewhere.test', role: 'member' })).rejects.toMatchObject({ code: 'CONFLICT' });

    const invited = await owner.team.add({ email: 'newcomer@acme.test', role: 'member' });
    if (invited.kind !== 'invited') throw new Error('expected an invitation');
    const row = await api.db.prisma.invitation.findUniqueOrThrow({ where: { id: invited.invitationId } });
    expect(row.tokenHash).toBe(hashInvitationToken(invited.token));
    expect(row.tokenHash).not.toContain(invited.token);

    const anonymous = as(null);
    expect(await findInvitation(invited.token)).toMatchObject({ email: 'newcomer@acme.test', tenantName: 'acme', state: 'pending', accountExists: false });
    await expect(anonymous.team.acceptAsNewUser({ token: invited.token, name: 'New', password: 'short' })).rejects.toThrow(/at least 10/);
    await anonymous.team.acceptAsNewUser({ token: invited.token, name: 'New Comer', password: 'a-long-password' });
    await expect(anonymous.team.acceptAsNewUser({ token: invited.token, name: 'Again', password: 'a-long-password' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const members = (await owner.team.list()).members.map((m) => [m.user.email, m.role]);
    expect(members).toContainEqual(['newcomer@acme.test', 'member']);
  });

  it('a signed-in user accepts only an invitation for their own email', async () => {
    const user = await createUser({ email: 'later@acme.test', password: 'a-long-password', name: 'Later' });
    const inv = await as(who.owner).team.add({ email: 'someone-else@acme.test', role: 'member' });
    if (inv.kind !== 'invited') throw new Error('expected an invitation');
    const later = (await loadPrincipal(user.id))!;
    await expect(as(later).team.accept({ token: inv.token })).rejects.toThrow(/This invitation is for someone-else@acme.test/);
  });

  it('never removes or demotes the last owner', async () => {
    const owner = as(who.owner);
    await expect(owner.team.remove({ userId: who.owner.userId })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringMatching(/at least one owner/) });
    await expect(owner.team.changeRole({ userId: who.owner.userId, role: 'member' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    await owner.team.changeRole({ userId: who.member.userId, role: 'owner' });
    await owner.team.changeRole({ userId: who.owner.userId, role: 'member' });
    const promoted = as((await loadPrincipal(who.member.userId))!);
    const roles = Object.fromEntries((await promoted.team.list()).members.map((m) => [m.user.email, m.role]));
    expect(roles).toMatchObject({ 'owner@acme.test': 'member', 'member@acme.test': 'owner' });
    await expect(as((await loadPrincipal(who.owner.userId))!).team.remove({ userId: who.member.userId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await promoted.team.remove({ userId: who.owner.userId });
    expect((await promoted.team.list()).members.map((m) => m.user.email)).not.toContain('owner@acme.test');
    const actions = (await api.db.prisma.auditLog.findMany({ where: { tenantId: 'acme', action: { startsWith: 'team.' } } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['team.member.add', 'team.invite', 'team.invite.accept', 'team.member.role', 'team.member.remove']));
  });
});
