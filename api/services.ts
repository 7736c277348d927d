// What every Signet process serves the API with: the database opened and bootstrapped, the
// billing outbox running, and the API app wired to the exchange pipeline's dependencies.
// server.ts (API + portal) and scripts/api-server.ts (API only) both start here.
import { OutboxWorker } from '@/server/billing/outbox-worker';
import { activeBillingProvider } from '@/server/billing/provider';
import { bootstrap } from '@/server/bootstrap/start';
import { loadConfig, type Config } from '@/server/config';
import { fallbackFromConfig } from '@/server/fallback/service';
import { startTransparencyLog } from '@/server/log/start';
import { loadRegistry } from '@/server/mappings/registry';
import { rateLimiterFromConfig } from '@/server/ratelimit/limiter';
import { flushRequestLog } from '@/server/requestlog/writer';
import { startTracing } from '@/server/telemetry/otlp';
import { createApiListener } from './listener';

export async function startApiServices(config: Config) {
  const tracing = startTracing(config.otlpEndpoint);
  const db = await bootstrap(config);
  const outbox = new OutboxWorker(activeBillingProvider(), { windowMs: config.billingWindowMs });
  outbox.start();
  const log = await startTransparencyLog(config);
  const api = createApiListener({
    exchange: {
      // Bootstrap generated and published the key when it was unset.
      registry: loadRegistry({ pseudonymKey: loadConfig().pseudonymKey ?? undefined }),
      maxJsonDepth: config.maxJsonDepth,
      fallback: fallbackFromConfig(config.fallback),
      rateLimit: rateLimiterFromConfig(config.rateLimit),
    },
    maxBodyBytes: config.maxBodyBytes,
    metricsToken: config.metricsToken,
  });
  return {
    db,
    /** The request listener for every API path. */
    api,
    /** Lets the request log, the outbox and the log sequencer finish their batch, then closes the database and exports the last spans. */
    async stop() {
      await flushRequestLog();
      await log.stop();
      await outbox.stop(3_000);
      await db.close();
      await tracing?.shutdown();
    },
  };
}
