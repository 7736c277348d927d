// Tenant isolation and authorization, as matrices that cover new routes and procedures
// automatically: every API route × {no key, other tenant's key, revoked, expired, owner's key},
// and every tRPC procedure × {anonymous, member, owner, other tenant's owner, auditor, admin}.
// Each route and procedure must be classified in the tables below; an unclassified one fails.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '@/api/app';
import { createApiKey, revokeApiKey } from '@/server/apikeys/repository';
import { listRequests } from '@/server/requestlog/repository';
import { createUser } from '@/server/tenants/accounts';
import { loadPrincipal, type Principal } from '@/server/tenants/principal';
import { createCallerFactory } from '@/trpc/init';
import { appRouter } from '@/trpc/root';
import { startTestApi, type TestApi } from '../support/api';
import { invoiceBody } from './load';
import { recordFigures } from './report';

type KeyKind = 'none' | 'other' | 'revoked' | 'expired' | 'owner';
const KEY_KINDS: KeyKind[] = ['none', 'other', 'revoked', 'expired', 'owner'];

/** Expected status per key kind for every API route ("METHOD /path" as Hono registers it). */
const PUBLIC = { none: 200, other: 200, revoked: 200, expired: 200, owner: 200 };
const API_ROUTES: Record<string, Record<KeyKind, number>> = {
  'GET /healthz': PUBLIC,
  'GET /readyz': PUBLIC,
  'GET /.well-known/jwks.json': PUBLIC,
  'GET /metrics': PUBLIC,
  'GET /openapi.json': PUBLIC,
  'GET /v1/ping': PUBLIC,
  // The owner's trace id: another tenant gets a chain of its own (a trace is (tenant, id)), never the owner's.
  'POST /v1/exchange': { none: 401, other: 200, revoked: 401, expired: 401, owner: 200 },
  // Reading the owner's trace: another tenant gets 404, never 403, so ids do not leak.
  'GET /v1/receipts/chain/:trace_id': { none: 401, other: 404, revoked: 401, expired: 401, owner: 200 },
  'GET /v1/receipts/export/:trace_id': { none: 401, other: 404, revoked: 401, expired: 401, owner: 200 },
  // Each key sees its own tenant's dashboard.
  'GET /v1/billing/dashboard': { none: 401, other: 200, revoked: 401, expired: 401, owner: 200 },
  // 404 LOG_NOT_STARTED: this server runs no transparency log, and a usage proof needs one.
  'GET /v1/billing/usage-proof': { none: 401, other: 404, revoked: 401, expired: 401, owner: 404 },
  'GET /v1/billing/usage-ledger': { none: 401, other: 200, revoked: 401, expired: 401, owner: 200 },
  // API keys never grant admin rights.
  'POST /v1/admin/reload-reserved': { none: 401, other: 401, revoked: 401, expired: 401, owner: 401 },
  // Authenticated by Stripe's signature, not by API keys.
  'POST /v1/stripe/webhook': { none: 400, other: 400, revoked: 400, expired: 400, owner: 400 },
  // The transparency log is public (its entries are receipt hashes, which name no tenant); this
  // test API runs without it, so it has no key and no checkpoint yet, and the pattern itself is no tile path.
  'GET /v1/log/checkpoint': { none: 404, other: 404, revoked: 404, expired: 404, owner: 404 },
  'GET /v1/log/key': { none: 404, other: 404, revoked: 404, expired: 404, owner: 404 },
  'GET /v1/log/tile/:path{.+}': { none: 400, other: 400, revoked: 400, expired: 400, owner: 400 },
  'GET /v1/log/proof/inclusion': { none: 400, other: 400, revoked: 400, expired: 400, owner: 400 },
  'GET /v1/log/proof/consistency': { none: 400, other: 400, revoked: 400, expired: 400, owner: 400 },
};

type Level = 'public' | 'authed' | 'tenant' | 'owner' | 'auditor' | 'admin';
type Role = 'anonymous' | 'member' | 'owner' | 'otherOwner' | 'auditor' | 'admin';
const ROLES: Role[] = ['anonymous', 'member', 'owner', 'otherOwner', 'auditor', 'admin'];
const ALLOWED: Record<Level, Role[]> = {
  public: ROLES,
  authed: ['member', 'owner', 'otherOwner', 'auditor', 'admin'],
  tenant: ['member', 'owner', 'otherOwner'],
  owner: ['owner', 'otherOwner'],
  auditor: ['auditor', 'admin'],
  admin: ['admin'],
};

/** Every tRPC procedure, classified by the procedure builder it uses (trpc/init.ts). */
const PROCEDURES: Record<string, Level> = {
  'account.signUp': 'public',
  'account.requestPasswordReset': 'public',
  'account.resetPassword': 'public',
  'account.me': 'authed',
  'admin.tenants': 'admin',
  'admin.tenant': 'admin',
  'admin.usageReview': 'admin',
  'admin.globalAllowlist': 'admin',
  'admin.saveGlobalAllowlist': 'admin',
  'admin.signingKeys': 'admin',
  'admin.rotateSigningKey': 'admin',
  'admin.auditLog': 'admin',
  'auditor.traces': 'auditor',
  'allowlist.get': 'tenant',
  'allowlist.add': 'owner',
  'allowlist.remove': 'owner',
  'allowlist.test': 'tenant',
  'apiKeys.list': 'tenant',
  'apiKeys.create': 'owner',
  'apiKeys.revoke': 'owner',
  'apiKeys.rotate': 'owner',
  'billing.preview': 'tenant',
  'billing.quote': 'owner',
  'billing.cancelScheduled': 'owner',
  'billing.plans': 'authed',
  'billing.checkout': 'owner',
  'billing.portal': 'owner',
  'billing.cancel': 'owner',
  'billing.history': 'tenant',
  'billing.reconciliation': 'tenant',
  'billing.adminReserved.get': 'admin',
  'billing.adminReserved.save': 'admin',
  'billing.adminReserved.remove': 'admin',
  'billing.adminPlans.list': 'admin',
  'billing.adminPlans.save': 'admin',
  'billing.adminPlans.saveTiers': 'admin',
  'fallback.get': 'tenant',
  'fallback.save': 'owner',
  'overview.summary': 'tenant',
  'overview.receiptVerified': 'tenant',
  'receipts.list': 'tenant',
  'receipts.chain': 'tenant',
  'receipts.exportBundle': 'tenant',
  'requests.list': 'tenant',
  'requests.codes': 'tenant',
  'requests.detail': 'tenant',
  'team.list': 'tenant',
  'team.add': 'owner',
  'team.changeRole': 'owner',
  'team.remove': 'owner',
  'team.revokeInvitation': 'owner',
  'team.acceptAsNewUser': 'public',
  'team.accept': 'authed',
};

let api: TestApi;
let routes: string[];
const keys = {} as Record<Exclude<KeyKind, 'none'>, string>;
let ownerTrace: string;
let ownerReceipt: string;
/** A trace of the owner's that the other tenant never writes to (the route matrix's POST does write to ownerTrace). */
let ownerOnlyTrace: string;
const principals = {} as Record<Role, Principal | null>;

beforeAll(async () => {
  api = await startTestApi();
  keys.owner = await api.tenantWithKey('iso-a');
  keys.other = await api.tenantWithKey('iso-b');
  const revoked = await createApiKey({ tenantId: 'iso-a', name: 'revoked' });
  await revokeApiKey('iso-a', revoked.apiKey.id);
  keys.revoked = revoked.key;
  keys.expired = (await createApiKey({ tenantId: 'iso-a', name: 'expired', expiresAt: new Date(Date.now() - 60_000) })).key;
  const res = await api.exchange(keys.owner, invoiceBody('tr-iso-a', 0));
  ({ trace_id: ownerTrace, receipt: { receipt_hash: ownerReceipt } } = await res.json());
  ownerOnlyTrace = (await (await api.exchange(keys.owner, invoiceBody('tr-iso-a-only', 0))).json()).trace_id;

  const user = async (email: string, platformRole: 'none' | 'admin' | 'auditor' = 'none', membership?: { tenantId: string; role: 'owner' | 'member' }) => {
    const u = await createUser({ email, password: 'isolation-password', name: email, platformRole });
    if (membership) await api.db.prisma.membership.create({ data: { userId: u.id, ...membership } });
    return loadPrincipal(u.id);
  };
  principals.anonymous = null;
  principals.owner = await user('owner@iso-a.example', 'none', { tenantId: 'iso-a', role: 'owner' });
  principals.member = await user('member@iso-a.example', 'none', { tenantId: 'iso-a', role: 'member' });
  principals.otherOwner = await user('owner@iso-b.example', 'none', { tenantId: 'iso-b', role: 'owner' });
  principals.auditor = await user('auditor@iso.example', 'auditor');
  principals.admin = await user('admin@iso.example', 'admin');

  const app = createApiApp({ exchange: { registry: api.registry, maxJsonDepth: 64 }, maxBodyBytes: 1 << 20 });
  routes = [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
}, 120_000);
afterAll(async () => {
  await api?.close();
});

let cells = 0;

describe('API routes × API keys', () => {
  it('classifies every API route', () => {
    expect(routes.filter((r) => !(r in API_ROUTES)), 'add these routes to API_ROUTES').toEqual([]);
  });

  it('answers each route × key as classified, and another tenant never sees the trace', async () => {
    const seen: string[] = [];
    const expected: string[] = [];
    let n = 0;
    // Reads first: the other tenant's POST below starts a chain of its own under the owner's trace id.
    for (const route of [...routes].sort((a, b) => Number(a.startsWith('POST')) - Number(b.startsWith('POST')))) {
      const [method, pattern] = route.split(' ') as [string, string];
      for (const kind of KEY_KINDS) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (kind !== 'none') headers['x-signet-api-key'] = keys[kind];
        headers['x-signet-idempotency-key'] = `iso-${n++}`;
        const res = await fetch(`${api.url}${pattern.replace(':trace_id', ownerTrace)}`, {
          method,
          headers,
          ...(method === 'POST' && { body: JSON.stringify(invoiceBody('tr-iso-a', n)) }),
        });
        const text = await res.text();
        seen.push(`${route} [${kind}] → ${res.status}`);
        expected.push(`${route} [${kind}] → ${API_ROUTES[route]![kind]}`);
        if (res.status >= 400) expect(JSON.parse(text).error.code, `${route} [${kind}]`).toMatch(/^[A-Z_]+$/);
        if (kind !== 'owner' && res.status === 200) expect(text, `${route} [${kind}] leaked the trace`).not.toContain(ownerReceipt);
        if (kind === 'other' && res.status === 200 && method === 'POST') expect(JSON.parse(text).receipt, `${route} [${kind}]`).toMatchObject({ hop: 1, prev_receipt_hash: null });
        cells++;
      }
    }
    expect(seen).toEqual(expected);
  });
});

describe('tRPC procedures × portal roles', () => {
  const procedures = Object.keys((appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures);
  const caller = (role: Role) => createCallerFactory(appRouter)({ principal: principals[role], ip: '127.0.0.1', requestedTenantId: null });
  const call = async (role: Role, path: string, input?: unknown) => {
    const fn = path.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], caller(role)) as (i: unknown) => Promise<unknown>;
    try {
      await fn(input);
      return 'OK';
    } catch (err) {
      if (err instanceof TRPCError) return err.code;
      throw err;
    }
  };

  it('classifies every procedure', () => {
    expect(procedures.filter((p) => !(p in PROCEDURES)), 'classify these procedures in PROCEDURES').toEqual([]);
    expect(Object.keys(PROCEDURES).filter((p) => !procedures.includes(p)), 'remove these from PROCEDURES').toEqual([]);
  });

  it('lets only the allowed roles past authorization', async () => {
    const denied = ['UNAUTHORIZED', 'FORBIDDEN'];
    const wrong: string[] = [];
    for (const path of procedures) {
      for (const role of ROLES) {
        const outcome = await call(role, path);
        const allowed = ALLOWED[PROCEDURES[path]!].includes(role);
        const expected = role === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN';
        if (allowed ? denied.includes(outcome) : outcome !== expected) wrong.push(`${path} as ${role}: ${outcome} (${allowed ? 'allowed' : `expected ${expected}`})`);
        cells++;
      }
    }
    expect(wrong).toEqual([]);
  });

  it("answers another tenant's trace id with NOT_FOUND", async () => {
    expect(await call('owner', 'receipts.chain', { traceId: ownerOnlyTrace })).toBe('OK');
    expect(await call('otherOwner', 'receipts.chain', { traceId: ownerOnlyTrace })).toBe('NOT_FOUND');
    expect(await call('otherOwner', 'receipts.exportBundle', { traceId: ownerOnlyTrace })).toBe('NOT_FOUND');
    // Another tenant's request-log row is as absent as a row that does not exist.
    const [row] = (await listRequests({ tenantId: 'iso-a' }, { limit: 1 })).items;
    expect(await call('owner', 'requests.detail', { id: row!.id })).toBe('OK');
    expect(await call('otherOwner', 'requests.detail', { id: row!.id })).toBe('NOT_FOUND');
    recordFigures('isolation matrix (API routes × keys, tRPC × roles)', { requests: cells + 3, errors: 0, status5xx: 0, cells });
  });
});
