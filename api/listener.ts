// The API's Node request listener. POST /v1/exchange is served straight on Node's request and
// response: under load, building WHATWG Request/Response objects for it (Hono's Node adapter
// without global overrides, which Next in the same process rules out) cost about a fifth of
// the process's CPU in the profile. Everything else, and app.request() in tests, goes through
// the Hono app; both exchange paths share the pipeline and the reply helpers.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { runExchange, type ExchangeDeps, type ExchangeFacts } from '@/server/exchange/pipeline';
import { requestIdOf } from '@/server/telemetry/request-id';
import { traceIdOf } from '@/server/telemetry/tracing';
import { createApiApp, type ApiOptions } from './app';
import { errorBody, toApiError } from './errors';
import { recordRequest } from './request-log';
import { bodyTooLarge, exchangeCall, exchangeReply } from './routes/exchange';

export function createApiListener(opts: ApiOptions, app = createApiApp(opts)): RequestListener {
  const viaHono = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  return (req, res) => {
    if (req.method === 'POST' && isExchangePath(req.url)) return void serveExchange(req, res, opts.exchange, opts.maxBodyBytes);
    return void viaHono(req, res);
  };
}

function isExchangePath(url = ''): boolean {
  return url === '/v1/exchange' || url.startsWith('/v1/exchange?');
}

async function serveExchange(req: IncomingMessage, res: ServerResponse, deps: ExchangeDeps, maxBodyBytes: number) {
  const startedAt = performance.now();
  const requestId = requestIdOf(header(req, 'x-request-id'));
  const facts: ExchangeFacts = {};
  let status = 200;
  let reply: { headers: Record<string, string>; body: string };
  try {
    const body = await readBody(req, maxBodyBytes);
    await afterPendingIo();
    reply = exchangeReply(await runExchange(exchangeCall((name) => header(req, name), body, facts), deps));
  } catch (err) {
    const e = toApiError(err);
    status = e.status;
    reply = { headers: { 'Content-Type': 'application/json', ...e.headers }, body: JSON.stringify(errorBody(e.code, e.message, e.details)) };
  }
  recordRequest({
    requestId,
    method: 'POST',
    route: '/v1/exchange',
    status,
    startedAt,
    tenant: facts.tenant,
    signetTraceId: facts.traceId,
    traceId: facts.otelTraceId ?? traceIdOf(header(req, 'traceparent')),
  });
  if (res.destroyed) return; // the client went away
  res.writeHead(status, { ...reply.headers, 'X-Request-Id': requestId, 'Content-Length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}

/**
 * Resolves after the event loop has run the I/O callbacks already due. An exchange is a few
 * hundred microseconds of work (mapping, signing) up to its group commit; run inside the I/O
 * callback that finished its body, a burst of arrivals holds up the database's answer to the
 * commit in flight, and with it the next commit. Deferred, the answer is read first.
 */
function afterPendingIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The whole body, refused (unread beyond the limit) when it is larger than maxBytes. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(req.headers['content-length']) > maxBytes) return Promise.reject(bodyTooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off('data', onData);
      reject(bodyTooLarge(maxBytes));
    };
    // A request emits 'close' after every response, not only on a disconnect; dropping the
    // listeners at 'end' spares an Error (and its stack trace) per exchange.
    const onClose = () => reject(new Error('the client closed the request before its body ended'));
    req.on('data', onData);
    req.once('end', () => {
      req.off('error', reject);
      req.off('close', onClose);
      resolve(Buffer.concat(chunks, size));
    });
    req.once('error', reject);
    req.once('close', onClose);
  });
}
