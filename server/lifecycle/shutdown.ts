// Graceful stop on SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish
// (idle keep-alive connections are closed at once, busy ones as soon as their response is
// sent), run the cleanup (close the database), exit 0 — or exit 1 if that takes too long.
import type { Server } from 'node:http';

export interface ShutdownOptions {
  /** After the server has drained, e.g. close the database. */
  cleanup(): Promise<void>;
  timeoutMs: number;
  log?: (message: string) => void;
}

export function installGracefulShutdown(server: Server, opts: ShutdownOptions): void {
  const log = opts.log ?? ((m: string) => console.log(m));
  let stopping = false;
  let inFlight = 0;
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
  });
  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    log(`[signet] ${signal}: no new connections; finishing ${inFlight} in-flight request(s)`);
    const deadline = setTimeout(() => {
      console.error(`[signet] shutdown did not finish within ${opts.timeoutMs} ms; exiting`);
      process.exit(1);
    }, opts.timeoutMs);
    deadline.unref();
    // Responses sent from now on carry Connection: close, so keep-alive clients move on.
    server.on('request', (_req, res) => {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    await closed;
    clearInterval(idleSweep);
    await opts.cleanup();
    log('[signet] stopped');
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
