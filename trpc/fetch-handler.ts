// Serves one portal API request: names it with a request id (the caller's X-Request-Id or a new
// one, as the public API does), sends the id back, and logs every failure on the server's side
// (5xx) with it, so a "Something went wrong (request id …)" in the browser leads to the log line.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { AnyTRPCRouter } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { requestIdOf } from '@/server/telemetry/request-id';
import { logger } from '@/server/telemetry/logger';
import type { Context } from './init';

export async function handleTrpcRequest(req: Request, router: AnyTRPCRouter, createContext: () => Promise<Omit<Context, 'requestId'>>): Promise<Response> {
  const requestId = requestIdOf(req.headers.get('x-request-id'));
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router,
    createContext: async (): Promise<Context> => ({ ...(await createContext()), requestId }),
    onError({ error, path, type }) {
      if (getHTTPStatusCodeFromError(error) < 500) return;
      // The logger's err serializer masks secrets in the message and stack; inputs are never logged.
      logger.error({ request_id: requestId, path: path ?? null, type, code: error.code, err: error.cause ?? error }, 'portal request failed');
    },
  });
  res.headers.set('X-Request-Id', requestId);
  return res;
}
