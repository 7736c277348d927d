// The portal over real HTTP (server.ts with a production Next build, served as if behind TLS):
// security headers on pages, next-auth session cookies HttpOnly + Secure + SameSite=Lax, tRPC
// refusing cross-site state-changing requests, and no password or session token in the logs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../support/db';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { recordFigures } from './report';

const PORT = 8145;
const DEMO_PASSWORD = 'reliability-demo-password';
const DIST_DIR = '.next-reliability';

let server: ServerProcess;
let pgDb: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
let dataDir: string;
let sessionCookie = '';
let requests = 0;

async function get(pathname: string, init: RequestInit = {}) {
  requests++;
  return fetch(`${server.url}${pathname}`, { redirect: 'manual', ...init });
}

beforeAll(async () => {
  // A production build of its own (rebuilt only when sources changed).
  execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { env: { ...process.env, SP_NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' }, stdio: 'ignore', timeout: 900_000 });
  dataDir = mkdtempSync(path.join(tmpdir(), 'signet-portal-'));
  if (process.env.DATABASE_URL) pgDb = await createPostgresDatabase(process.env.DATABASE_URL);
  server = await startServerProcess({
    entry: 'server.ts',
    port: PORT,
    databaseUrl: pgDb?.url ?? null,
    dataDir,
    extraEnv: { SP_NEXT_DIST_DIR: DIST_DIR, NEXTAUTH_URL: `https://localhost:${PORT}`, SP_DEMO_PASSWORD: DEMO_PASSWORD, SP_SEED_DEMO: 'true' },
  });
}, 900_000);
afterAll(async () => {
  await server?.stop('SIGTERM');
  await pgDb?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('portal security over HTTP', () => {
  it('sends CSP with a nonce and frame-ancestors, HSTS (public URL is https), nosniff, a referrer policy and frame denial on pages', async () => {
    const res = await get('/signin');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]+' 'strict-dynamic'(;|$)/);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('issues the session cookie HttpOnly, Secure (with the __Secure- prefix) and SameSite=Lax', async () => {
    const csrfRes = await get('/api/auth/csrf');
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const csrfCookie = csrfRes.headers.getSetCookie().find((c) => c.startsWith('__Host-next-auth.csrf-token='))!;
    expect(csrfCookie).toMatch(/HttpOnly/i);
    expect(csrfCookie).toMatch(/Secure/i);

    const signIn = await get('/api/auth/callback/credentials', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie.split(';')[0]! },
      body: new URLSearchParams({ csrfToken, email: 'owner@demo.signet.local', password: DEMO_PASSWORD, json: 'true' }),
    });
    const session = signIn.headers.getSetCookie().find((c) => c.startsWith('__Secure-next-auth.session-token='));
    expect(session, `sign-in answered ${signIn.status}`).toBeDefined();
    const attributes = session!.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('secure');
    expect(attributes).toContain('samesite=lax');
    sessionCookie = session!.split(';')[0]!;
  });

  it('refuses cross-site state-changing tRPC calls before any procedure runs', async () => {
    const call = (headers: Record<string, string>) =>
      get('/api/trpc/apiKeys.create', { method: 'POST', headers: { 'content-type': 'application/json', cookie: sessionCookie, ...headers }, body: JSON.stringify({ json: { name: 'csrf' } }) });
    const crossOrigin = await call({ origin: 'https://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect(await crossOrigin.json()).toEqual({ error: { message: 'cross-site request refused' } });
    expect((await call({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await call({ origin: 'null' })).status).toBe(403);
    // Same origin passes the check (and reaches tRPC, whatever it answers).
    const sameOrigin = await get('/api/trpc/no.such.procedure', { method: 'POST', headers: { 'content-type': 'application/json', cookie: sessionCookie, origin: server.url }, body: '{}' });
    expect(sameOrigin.status).not.toBe(403);
  });

  it('logs neither the password nor the session token while serving', () => {
    // The demo seed prints its generated credentials once at first start, by design; what
    // matters here is everything logged while handling the requests above.
    const log = server.output().slice(server.output().indexOf('listening on'));
    expect(log).not.toContain(DEMO_PASSWORD);
    expect(log).not.toContain(sessionCookie.split('=')[1]);
    recordFigures(`portal security (${pgDb ? 'postgres' : 'pglite'})`, { requests, errors: 0, status5xx: 0 });
  });
});
