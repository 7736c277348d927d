// Sign-in, sign-up and password-reset throttling: per account and per client address, a growing
// delay from the 5th failure, a lockout at the 20th, audit entries, counters in the database,
// and no Argon2id hash for a refused attempt. Driven through next-auth's authorize and tRPC.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientAddress } from '@/api/client-address';
import { authOptions } from '@/lib/auth';
import { decodeThrottleNotice, type ThrottleNotice } from '@/lib/throttle-notice';
import { createUser } from '@/server/tenants/accounts';
import { verifyPassword } from '@/server/tenants/passwords';
import { createCallerFactory } from '@/trpc/init';
import { appRouter } from '@/trpc/root';
import { openTestDatabase, type TestDatabase } from '../support/db';

vi.mock('@/server/tenants/passwords', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/server/tenants/passwords')>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword), hashPassword: vi.fn(real.hashPassword) };
});
const hashes = vi.mocked(verifyPassword);

const PASSWORD = 'the-right-password';
let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
  await createUser({ email: 'alice@example.com', password: PASSWORD, name: 'Alice' });
  await createUser({ email: 'bob@example.com', password: PASSWORD, name: 'Bob' });
});
afterAll(async () => {
  await db?.dispose();
});
beforeEach(async () => {
  await db.sql.query('DELETE FROM auth_throttles');
  hashes.mockClear();
});

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<{ id: string } | null>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

/** Signs in through next-auth's authorize: 'ok', 'wrong', or the throttle notice it threw. */
async function signIn(email: string, password: string, ip: string): Promise<'ok' | 'wrong' | ThrottleNotice> {
  try {
    return (await authorize({ email, password }, { headers: { 'x-signet-client-ip': ip } })) ? 'ok' : 'wrong';
  } catch (err) {
    const notice = decodeThrottleNotice((err as Error).message);
    if (!notice) throw err;
    return notice;
  }
}

/** Moves a key's last failure into the past, as if `seconds` had passed. */
async function age(key: string, seconds: number) {
  await db.sql.query(`UPDATE auth_throttles SET last_failure_at = last_failure_at - make_interval(secs => $2) WHERE key = $1`, [key, seconds]);
}

describe('sign-in throttling per account', () => {
  it('allows 5 failures, then refuses even the right password, without hashing, for a growing delay', async () => {
    for (let i = 0; i < 5; i++) expect(await signIn('alice@example.com', 'wrong-password', `198.51.100.${i}`)).toBe('wrong');
    expect(hashes).toHaveBeenCalledTimes(5);
    expect(await signIn('ALICE@example.com', PASSWORD, '198.51.100.99')).toEqual({ scope: 'account', locked: false, retryAfterSeconds: 1 });
    expect(hashes).toHaveBeenCalledTimes(5);

    await age('signin:account:alice@example.com', 1);
    expect(await signIn('alice@example.com', 'wrong-password', '198.51.100.99')).toBe('wrong');
    expect(await signIn('alice@example.com', PASSWORD, '198.51.100.99')).toEqual({ scope: 'account', locked: false, retryAfterSeconds: 2 });
    await age('signin:account:alice@example.com', 2);
    expect(await signIn('alice@example.com', 'wrong-password', '198.51.100.99')).toBe('wrong');
    expect(await signIn('alice@example.com', PASSWORD, '198.51.100.99')).toEqual({ scope: 'account', locked: false, retryAfterSeconds: 4 });

    await age('signin:account:alice@example.com', 4);
    expect(await signIn('alice@example.com', PASSWORD, '198.51.100.99')).toBe('ok');
    // Success starts the account over.
    expect(await db.sql.query(`SELECT 1 FROM auth_throttles WHERE key = 'signin:account:alice@example.com'`)).toHaveLength(0);
  });

  it('locks the account for 15 minutes at the 20th failure and audits the delay and the lockout', async () => {
    const key = 'signin:account:bob@example.com';
    for (let i = 0; i < 20; i++) {
      expect(await signIn('bob@example.com', 'wrong-password', `203.0.113.${i}`)).toBe('wrong');
      await age(key, 60);
    }
    // The 20th failure was (as if) a minute ago: 14 minutes of the lockout remain.
    expect(await signIn('bob@example.com', PASSWORD, '203.0.113.200')).toEqual({ scope: 'account', locked: true, retryAfterSeconds: 14 * 60 });
    await age(key, 14 * 60);
    expect(await signIn('bob@example.com', PASSWORD, '203.0.113.200')).toBe('ok');

    const entries = await db.prisma.auditLog.findMany({ where: { action: { startsWith: 'auth.signin.' }, target: 'bob@example.com' }, orderBy: { id: 'asc' } });
    expect(entries.map((e) => [e.action, e.target, e.actorEmail, e.ip, e.detail])).toEqual([
      ['auth.signin.throttled', 'bob@example.com', 'bob@example.com', '203.0.113.4', { scope: 'account', failures: 5 }],
      ['auth.signin.locked', 'bob@example.com', 'bob@example.com', '203.0.113.19', { scope: 'account', failures: 20 }],
    ]);
  });

  it('throttles unknown emails like real ones (no way to tell them apart)', async () => {
    for (let i = 0; i < 5; i++) expect(await signIn('nobody@example.com', 'x-password', `192.0.2.${i}`)).toBe('wrong');
    expect(await signIn('nobody@example.com', 'x-password', '192.0.2.50')).toMatchObject({ scope: 'account', locked: false });
  });

  it('counts concurrent attempts atomically: 30 at once cost 5 hashes', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn('alice@example.com', 'wrong-password', `198.18.0.${i}`)));
    expect(results.filter((r) => r === 'wrong')).toHaveLength(5);
    expect(hashes).toHaveBeenCalledTimes(5);
  });
});

describe('sign-in throttling per client address', () => {
  it('refuses an address after 5 failures across accounts; other addresses and a success do not reset it', async () => {
    for (let i = 0; i < 4; i++) expect(await signIn(`user${i}@example.com`, 'guess-password', '192.0.2.77')).toBe('wrong');
    // A success from the address takes back its own count but not the failures before it.
    expect(await signIn('alice@example.com', PASSWORD, '192.0.2.77')).toBe('ok');
    expect(await signIn('user4@example.com', 'guess-password', '192.0.2.77')).toBe('wrong');
    expect(await signIn('alice@example.com', PASSWORD, '192.0.2.77')).toEqual({ scope: 'address', locked: false, retryAfterSeconds: 1 });
    expect(await signIn('alice@example.com', PASSWORD, '192.0.2.78')).toBe('ok');
    // The refusal did not count against the account.
    expect(await db.sql.query(`SELECT 1 FROM auth_throttles WHERE key = 'signin:account:alice@example.com'`)).toHaveLength(0);
  });
});

describe('sign-up throttling', () => {
  const caller = (ip: string) => createCallerFactory(appRouter)({ principal: null, ip, requestedTenantId: null });
  const form = (email: string) => ({ name: 'Sam', company: 'Acme', email, password: 'long-enough-password' });

  it('counts every sign-up per address: the 6th within the window waits, without hashing', async () => {
    for (let i = 0; i < 5; i++) await caller('192.0.2.10').account.signUp(form(`new${i}@example.com`));
    const hashed = vi.mocked((await import('@/server/tenants/passwords')).hashPassword).mock.calls.length;
    await expect(caller('192.0.2.10').account.signUp(form('new5@example.com'))).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: 'Too many sign-up attempts from your network. Wait 1 second before trying again.',
      cause: { code: 'THROTTLED', details: { throttle: { scope: 'address', locked: false, retryAfterSeconds: 1 } } },
    });
    expect(vi.mocked((await import('@/server/tenants/passwords')).hashPassword).mock.calls.length).toBe(hashed);
    await expect(caller('192.0.2.11').account.signUp(form('new5@example.com'))).resolves.toMatchObject({ tenantId: expect.any(String) });
  });

  it('throttles probing one email (EMAIL_TAKEN) from many addresses', async () => {
    for (let i = 0; i < 5; i++) {
      await expect(caller(`198.51.100.${i + 20}`).account.signUp(form('alice@example.com'))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    await expect(caller('198.51.100.40').account.signUp(form('alice@example.com'))).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: 'Too many sign-up attempts for this email. Wait 1 second before trying again.',
    });
    const audited = await db.prisma.auditLog.findFirst({ where: { action: 'auth.signup.throttled' } });
    expect(audited).toMatchObject({ target: 'alice@example.com', ip: '198.51.100.24', detail: { scope: 'account', failures: 5 } });
  });
});

describe('password-reset throttling', () => {
  const caller = (ip: string) => createCallerFactory(appRouter)({ principal: null, ip, requestedTenantId: null });
  /** What asking for a reset link answers: 'requested', or the refusal's code and message. */
  const ask = (email: string, ip: string) =>
    caller(ip)
      .account.requestPasswordReset({ email })
      .then(
        (answer) => (answer.requested ? 'requested' : 'unexpected'),
        (err: { code: string; message: string; cause?: { details?: unknown } }) => ({ code: err.code, message: err.message, details: err.cause?.details }),
      );
  const links = (email: string) => db.prisma.passwordReset.count({ where: { user: { email } } });

  it('refuses the 6th request for one email within the window, from any address, and answers the same for an unknown one', async () => {
    const answers = async (email: string) => {
      const seen = [];
      for (let i = 0; i < 6; i++) seen.push(await ask(email, `198.51.100.${i + 60}`));
      return seen;
    };
    const known = await answers('Alice@example.com');
    expect(known.slice(0, 5)).toEqual(Array(5).fill('requested'));
    expect(known[5]).toEqual({
      code: 'TOO_MANY_REQUESTS',
      message: 'Too many reset requests for this email. Wait 1 second before trying again.',
      details: { throttle: { scope: 'account', locked: false, retryAfterSeconds: 1 } },
    });
    // Five links were made (and would have been emailed); the refused request made none.
    expect(await links('alice@example.com')).toBe(5);
    expect(await answers('nobody@example.com')).toEqual(known);

    await age('reset:account:alice@example.com', 1);
    expect(await ask('alice@example.com', '198.51.100.99')).toBe('requested');
    const audited = await db.prisma.auditLog.findFirst({ where: { action: 'auth.reset.throttled', target: 'alice@example.com' } });
    expect(audited).toMatchObject({ actorEmail: 'alice@example.com', ip: '198.51.100.64', detail: { scope: 'account', failures: 5 } });
  });

  it('refuses an address after 5 requests across emails; other addresses may still ask', async () => {
    for (let i = 0; i < 5; i++) expect(await ask(`someone${i}@example.com`, '192.0.2.90')).toBe('requested');
    expect(await ask('bob@example.com', '192.0.2.90')).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: 'Too many reset requests from your network. Wait 1 second before trying again.' });
    expect(await links('bob@example.com')).toBe(0);
    expect(await ask('bob@example.com', '192.0.2.91')).toBe('requested');
    expect(await links('bob@example.com')).toBe(1);
  });
});

describe('the client address behind SP_TRUST_PROXY', () => {
  it('ignores X-Forwarded-For unless a proxy is trusted', () => {
    expect(clientAddress('203.0.113.9', '10.0.0.2', 0)).toBe('10.0.0.2');
  });

  it('takes the entry the trusted proxy appended, not one the client sent (so rotating it cannot dodge throttling)', () => {
    expect(clientAddress('1.2.3.4, 203.0.113.9', '10.0.0.2', 1)).toBe('203.0.113.9');
    expect(clientAddress('5.6.7.8, 203.0.113.9', '10.0.0.2', 1)).toBe('203.0.113.9');
    expect(clientAddress(['1.2.3.4', '198.51.100.1, 10.0.0.7'], '10.0.0.2', 2)).toBe('198.51.100.1');
  });

  it('falls back to the leftmost entry when the chain is shorter, and to the socket when there is none', () => {
    expect(clientAddress('203.0.113.9', '10.0.0.2', 3)).toBe('203.0.113.9');
    expect(clientAddress(undefined, '10.0.0.2', 1)).toBe('10.0.0.2');
  });
});
