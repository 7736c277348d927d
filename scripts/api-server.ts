// The API layer alone (/v1/*, /.well-known/*, /healthz, /metrics, /openapi.json), with the same
// bootstrap, rate limiter, billing outbox and graceful shutdown as server.ts but without Next: for running
// extra API instances behind a load balancer, and for the reliability tests, which start and
// kill servers many times. Usage: npx tsx scripts/api-server.ts (same environment as npm start).
import { createServer } from 'node:http';
import { answerClientErrorsWithEnvelope } from '../api/client-errors';
import { startApiServices } from '../api/services';
import { configOrExit } from '../server/config';
import { installGracefulShutdown } from '../server/lifecycle/shutdown';
import { logger } from '../server/telemetry/logger';

const config = configOrExit((line) => logger.warn(line));
const { db, api, stop } = await startApiServices(config);
const server = createServer(api);
server.keepAliveTimeout = 65_000;
answerClientErrorsWithEnvelope(server);
server.listen(config.port, config.host, () => {
  console.log(`[signet] API listening on http://localhost:${config.port} (database: ${db.kind})`);
});
installGracefulShutdown(server, {
  cleanup: stop,
  timeoutMs: config.shutdownTimeoutMs,
});
