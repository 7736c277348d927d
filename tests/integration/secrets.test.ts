// Secrets stay secret: API keys are stored only as hashes and never appear in logs, the
// database, metrics or error bodies; passwords are Argon2id hashes; an unexpected failure
// answers INTERNAL without details and logs a redacted account of it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser } from '@/server/tenants/accounts';
import { hashApiKey } from '@/server/apikeys/secret';
import { redirectLog } from '@/server/telemetry/logger';
import { startTestApi, type TestApi } from '../support/api';

const DB_PASSWORD = 'hunter2-db-password';
const USER_PASSWORD = 'correct horse battery staple';
let api: TestApi;
let key: string;
let failingKey: string;
const logged: string[] = [];
let restoreLog: () => void;

const invoice = {
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-S","amount":5,"currency":"USD"}' } }] },
};

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
  restoreLog = redirectLog({ write: (line: string) => void logged.push(line) }, 'info');
  api = await startTestApi({
    // Stands in for any unexpected failure whose message carries secrets (a driver error, say).
    rateLimit: async (principal) => {
      if (principal.tenantId === 'leaky') throw new Error(`pool failed: postgresql://signet:${DB_PASSWORD}@db/signet serving ${failingKey}`);
    },
  });
  key = await api.tenantWithKey('secretive');
  failingKey = await api.tenantWithKey('leaky');
});
afterAll(async () => {
  vi.restoreAllMocks();
  restoreLog();
  await api?.close();
});

// The part after `sk_live_<hex prefix>_` (the secret is base64url, so it may hold '_' itself).
const secretPart = (k: string) => /^sk_live_[0-9a-f]+_(.+)$/.exec(k)?.[1] ?? k;

describe('secrets', () => {
  it('never stores or logs API keys in clear, nor shows them in metrics', async () => {
    const ok = await api.exchange(key, invoice);
    expect(ok.status).toBe(200);
    const { trace_id } = await ok.json();
    expect((await fetch(`${api.url}/v1/receipts/chain/${trace_id}`, { headers: { 'x-signet-api-key': key } })).status).toBe(200);
    expect((await api.exchange(`${key}x`, invoice)).status).toBe(401);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();

    const tables = await api.db.sql.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    let dump = '';
    for (const { table_name } of tables) {
      const [row] = await api.db.sql.query<{ rows: string | null }>(`SELECT string_agg(t::text, E'\\n') AS rows FROM "${table_name}" t`);
      dump += row?.rows ?? '';
    }
    expect(dump).toContain(hashApiKey(key)); // what is stored instead
    for (const haystack of [dump, metrics, logged.join('\n')]) {
      for (const k of [key, failingKey]) expect(haystack).not.toContain(secretPart(k));
    }
  });

  it('answers an unexpected failure with INTERNAL and no details, and redacts the log', async () => {
    const res = await api.exchange(failingKey, invoice);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error; nothing was recorded for this request' }, detail: 'internal error; nothing was recorded for this request' });
    const log = logged.join('\n');
    expect(log).toContain('"msg":"unhandled error"');
    expect(log).toContain('postgresql://signet:[redacted]@db/signet');
    expect(log).not.toContain(DB_PASSWORD);
    expect(log).not.toContain(secretPart(failingKey));
  });

  it('stores passwords as Argon2id hashes only', async () => {
    const user = await createUser({ email: 'pw@secretive.example', password: USER_PASSWORD, name: 'P W' });
    const [row] = await api.db.sql.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(row!.password_hash).not.toContain(USER_PASSWORD);
  });
});
