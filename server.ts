// Signet's one process: the fast API layer (Hono) for /v1/*, /.well-known/*, /healthz,
// /metrics and /openapi.json, and Next.js (portal + tRPC + next-auth) for everything else.
import { createServer } from 'node:http';
import next from 'next';
import { API_PATH } from './api/app';
import { clientAddress } from './api/client-address';
import { answerClientErrorsWithEnvelope } from './api/client-errors';
import { startApiServices } from './api/services';
import { configOrExit } from './server/config';
import { installGracefulShutdown } from './server/lifecycle/shutdown';
import { logger } from './server/telemetry/logger';

const config = configOrExit((line) => logger.warn(line));
const dev = config.dev;

const { db, api: apiListener, stop } = await startApiServices(config);

const portal = next({ dev, dir: process.cwd(), hostname: 'localhost', port: config.port });
await portal.prepare();
const portalHandler = portal.getRequestHandler();

const server = createServer((req, res) => {
  // Where a request came from (audit log, sign-in throttling); always set here, so a client
  // cannot forge it, and taken from X-Forwarded-For only as far as SP_TRUST_PROXY trusts it.
  req.headers['x-signet-client-ip'] = clientAddress(req.headers['x-forwarded-for'], req.socket.remoteAddress, config.trustProxyHops);
  if (API_PATH.test(req.url ?? '/')) return void apiListener(req, res);
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
  timeoutMs: config.shutdownTimeoutMs,
});
