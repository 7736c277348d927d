// The portal's procedures called while a page renders on the server, so its first view arrives
// as HTML instead of spinners followed by tRPC calls after hydration (issue #21: the main thread
// was busy after load). The same procedures, with the same authorization, as the browser calls:
// one source of truth for what a page shows.
import { dehydrate, QueryClient } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { headers } from 'next/headers';
import { cache } from 'react';
import { currentPrincipal } from '@/lib/auth';
import { asAppError } from '@/server/errors';
import { logger } from '@/server/telemetry/logger';
import { createCallerFactory, type Context } from './init';
import { appRouter } from './root';

/** The request's context, as the /api/trpc route builds it (no tenant header: the first membership). */
const requestContext = cache(
  async (): Promise<Context> => ({ principal: await currentPrincipal(), ip: (await headers()).get('x-signet-client-ip'), requestedTenantId: null }),
);

/** Procedures called directly, for markup rendered on the server only. */
export const serverCaller = cache(async () => createCallerFactory(appRouter)(await requestContext()));

/** This request's query cache: filled on the server, handed to the browser's by `prefetched`. */
const requestQueryClient = cache(() => new QueryClient());

/** Query options keyed exactly as the browser's `useTRPC()` keys them, for `prefetched`. */
export const serverTrpc = createTRPCOptionsProxy({ ctx: requestContext, router: appRouter, queryClient: requestQueryClient });

/**
 * Runs a page's queries on the server (a failed one is left out: the client component asks
 * again and shows its own error) and returns them for a HydrationBoundary to seed the
 * browser's cache with: its components render drawn at once and refetch as before.
 */
export async function prefetched(queries: (client: QueryClient) => Promise<void>[]) {
  const client = requestQueryClient();
  await Promise.all(queries(client));
  return dehydrate(client);
}

/** A procedure's result, or what the browser may read of its failure. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * For a part of a page that shows its own error while the rest renders. An internal failure is
 * logged here and shown without its details, as the errorFormatter does for the browser's calls.
 */
export async function settle<T>(call: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await call };
  } catch (err) {
    // A procedure's AppError reaches here as the cause of the tRPC error trpc/init.ts made of it.
    const known = asAppError(err instanceof Error ? err.cause : undefined) ?? asAppError(err);
    if (known && known.trpcCode !== 'INTERNAL_SERVER_ERROR') return { ok: false, error: known.message };
    logger.error({ err }, 'portal page: a procedure failed');
    return { ok: false, error: 'Something went wrong.' };
  }
}
