// A real HTTP server around the API app on an ephemeral port, over a fresh test database with
// a signing key and the default catalog, plus helpers to make tenants and keys.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiListener } from '@/api/listener';
import { answerClientErrorsWithEnvelope } from '@/api/client-errors';
import { authenticateApiKey } from '@/server/apikeys/authenticate';
import { createApiKey } from '@/server/apikeys/repository';
import { seedCatalog } from '@/server/bootstrap/catalog';
import type { ExchangeDeps } from '@/server/exchange/pipeline';
import { ensureSigningKey } from '@/server/keys/signing-keys';
import { loadRegistry } from '@/server/mappings/registry';
import { flushRequestLog } from '@/server/requestlog/writer';
import { openTestDatabase, type TestDatabase } from './db';

export interface TestApi {
  url: string;
  db: TestDatabase;
  registry: ReturnType<typeof loadRegistry>;
  tenantWithKey(tenantId: string, settings?: { allowlist?: string[]; fallbackEnabled?: boolean; fuMonthlyLimit?: bigint | null }): Promise<string>;
  exchange(key: string, body: unknown, idempotencyKey?: string, extraHeaders?: Record<string, string>): Promise<Response>;
  /** Stores a response for (key, idempotency key) as another instance would, unseen by this one. */
  storeResponseElsewhere(key: string, idempotencyKey: string, responseBody: string): Promise<void>;
  /** Claims (key, idempotency key) as another instance about to forward would, for `seconds` (negative: a lapsed claim); returns its release. */
  claimElsewhere(key: string, idempotencyKey: string, seconds: number): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

let counter = 0;

async function keyId(key: string): Promise<string> {
  const principal = await authenticateApiKey(key);
  if (typeof principal === 'string') throw new Error(`test key is ${principal}`);
  return principal.keyId;
}

export interface TestApiOptions {
  /** PostgreSQL server to create the test database on, instead of DATABASE_URL. */
  postgresUrl?: string;
  metricsToken?: string;
}

export async function startTestApi(deps: Partial<ExchangeDeps> = {}, maxBodyBytes = 1_048_576, options: TestApiOptions = {}): Promise<TestApi> {
  const db = await openTestDatabase(options.postgresUrl ?? process.env.DATABASE_URL);
  await ensureSigningKey({ seedB64: null, kid: null });
  await seedCatalog();
  const registry = loadRegistry({ pseudonymKey: 'test-pseudonym-key' });
  const server: Server = createServer(createApiListener({ exchange: { registry, maxJsonDepth: 64, ...deps }, maxBodyBytes, metricsToken: options.metricsToken }));
  answerClientErrorsWithEnvelope(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    db,
    registry,
    async tenantWithKey(tenantId, settings = {}) {
      await db.prisma.tenant.upsert({
        where: { id: tenantId },
        create: { id: tenantId, name: tenantId, planId: 'starter', allowlist: settings.allowlist ?? [], fallbackEnabled: settings.fallbackEnabled ?? false, fuMonthlyLimit: settings.fuMonthlyLimit ?? null },
        update: {},
      });
      return (await createApiKey({ tenantId, name: 'test' })).key;
    },
    exchange(key, body, idempotencyKey = `idem-${process.pid}-${++counter}`, extraHeaders = {}) {
      return fetch(`${url}/v1/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signet-api-key': key, 'x-signet-idempotency-key': idempotencyKey, ...extraHeaders },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    async storeResponseElsewhere(key, idempotencyKey, responseBody) {
      await db.sql.query('INSERT INTO idempotency_records (api_key_id, key, status, response_body) VALUES ($1, $2, 200, $3)', [await keyId(key), idempotencyKey, responseBody]);
    },
    async claimElsewhere(key, idempotencyKey, seconds) {
      const apiKeyId = await keyId(key);
      await db.sql.query('INSERT INTO idempotency_claims (api_key_id, key, expires_at) VALUES ($1, $2, localtimestamp + make_interval(secs => $3))', [apiKeyId, idempotencyKey, seconds]);
      return async () => void (await db.sql.query('DELETE FROM idempotency_claims WHERE api_key_id = $1 AND key = $2', [apiKeyId, idempotencyKey]));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // As the server's own stop does: the request-log rows still queued are written first.
      await flushRequestLog();
      await db.dispose();
    },
  };
}
