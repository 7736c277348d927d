// The API layer alone (/v1/*, /.well-known/*, /healthz, /metrics, /openapi.json), with the same
// bootstrap, rate limiter, billing outbox and graceful shutdown as server.ts but without Next: for running
// extra API instances behind a load balancer, and for the reliability tests, which start and
// kill servers many times. Usage: npx tsx scripts/api-server.ts (same environment as npm start).
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createApiApp } from '../api/app';
import { answerClientErrorsWithEnvelope } from '../api/client-errors';
import { OutboxWorker } from '../server/billing/outbox-worker';
import { activeBillingProvider } from '../server/billing/provider';
import { bootstrap } from '../server/bootstrap/start';
import { loadConfig } from '../server/config';
import { fallbackFromEnv } from '../server/fallback/service';
import { installGracefulShutdown } from '../server/lifecycle/shutdown';
import { loadRegistry } from '../server/mappings/registry';
import { rateLimiterFromConfig } from '../server/ratelimit/limiter';

const config = loadConfig();
const db = await bootstrap(config);
const outbox = new OutboxWorker(activeBillingProvider(), { windowMs: config.billingWindowMs });
outbox.start();
const api = createApiApp({
  exchange: {
    registry: loadRegistry({ pseudonymKey: process.env.SP_PSEUDONYM_KEY }),
    maxJsonDepth: config.maxJsonDepth,
    fallback: fallbackFromEnv(),
    rateLimit: rateLimiterFromConfig(config.rateLimit),
  },
  maxBodyBytes: config.maxBodyBytes,
});
const server = createServer(getRequestListener(api.fetch, { overrideGlobalObjects: false }));
server.keepAliveTimeout = 65_000;
answerClientErrorsWithEnvelope(server);
server.listen(config.port, config.host, () => {
  console.log(`[signet] API listening on http://localhost:${config.port} (database: ${db.kind})`);
});
installGracefulShutdown(server, {
  cleanup: async () => {
    await outbox.stop(3_000);
    await db.close();
  },
  timeoutMs: Number(process.env.SP_SHUTDOWN_TIMEOUT_MS ?? 10_000),
});
