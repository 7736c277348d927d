import { currentPrincipal } from '@/lib/auth';
import { bodyTooLarge, withinBodyLimit } from '@/lib/request-body';
import { loadConfig } from '@/server/config';
import { handleTrpcRequest } from '@/trpc/fetch-handler';
import { appRouter } from '@/trpc/root';

// CSRF: state-changing calls must come from our own pages. Browsers always send Origin on
// cross-site POSTs; a mismatch is refused before any procedure runs.
function sameOrigin(req: Request): boolean {
  if (req.method === 'GET') return true;
  const origin = req.headers.get('origin');
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host');
  if (!origin) return req.headers.get('sec-fetch-site') !== 'cross-site';
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

let maxBodyBytes: number | undefined;

async function handler(original: Request) {
  if (!sameOrigin(original)) {
    return Response.json({ error: { message: 'cross-site request refused' } }, { status: 403 });
  }
  maxBodyBytes ??= loadConfig().portalMaxBodyBytes;
  const req = await withinBodyLimit(original, maxBodyBytes);
  if (!req) return bodyTooLarge(maxBodyBytes);
  return handleTrpcRequest(req, appRouter, async () => ({
    principal: await currentPrincipal(),
    ip: req.headers.get('x-signet-client-ip'),
    requestedTenantId: req.headers.get('x-signet-tenant'),
  }));
}

export { handler as GET, handler as POST };
