// Signet's one process: the fast API layer (Hono) for /v1/*, /.well-known/*, /healthz,
// /metrics and /openapi.json, and Next.js (portal + tRPC + next-auth) for everything else.
import { createServer } from 'node:http';
import next from 'next';
import { API_PATH } from './api/app';
import { answerClientErrorsWithEnvelope } from './api/client-errors';
import { startApiServices } from './api/services';
import { loadConfig } from './server/config';
import { installGracefulShutdown } from './server/lifecycle/shutdown';
import { logger } from './server/telemetry/logger';

const config = loadConfig();
const dev = process.env.NODE_ENV === 'development';

const { db, api: apiListener, stop } = await startApiServices(config);

const portal = next({ dev, dir: process.cwd(), hostname: 'localhost', port: config.port });
await portal.prepare();
const portalHandler = portal.getRequestHandler();

const trustProxy = process.env.SP_TRUST_PROXY === 'true';
const server = createServer((req, res) => {
  if (API_PATH.test(req.url ?? '/')) return void apiListener(req, res);
  // The portal's audit log records where an action came from; a client cannot forge it
  // unless we sit behind a proxy we trust to set X-Forwarded-For.
  const forwarded = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim() : '';
  req.headers['x-signet-client-ip'] = forwarded || req.socket.remoteAddress || '';
  void portalHandler(req, res);
});
server.keepAliveTimeout = 65_000;
answerClientErrorsWithEnvelope(server);
server.listen(config.port, config.host, () => {
  logger.info(`listening on http://localhost:${config.port} (database: ${db.kind})`);
});

installGracefulShutdown(server, {
  // The outbox finishes the batch it is sending (bounded); anything unfinished is resent after a restart.
  cleanup: stop,
  timeoutMs: Number(process.env.SP_SHUTDOWN_TIMEOUT_MS ?? 10_000),
});
