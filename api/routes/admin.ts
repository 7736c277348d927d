// POST /v1/admin/reload-reserved: re-imports SP_RESERVED_CONFIG. Allowed for an admin's portal
// session or `Authorization: Bearer <SP_ADMIN_TOKEN>` (for scripts; compared in constant time).
import type { Context } from 'hono';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AuditActor } from '@/server/audit/log';
import { importReservedConfig } from '@/server/billing/reserved';
import { loadConfig } from '@/server/config';
import { sameSecret } from '@/server/security/same-secret';
import { AppError } from '@/server/errors';
import { checkedByHandler, errorResponses } from '../openapi';
import { sessionPrincipal } from '../session';

async function adminActor(c: Context): Promise<AuditActor> {
  const ip = c.req.header('x-signet-client-ip') ?? null;
  const token = loadConfig().adminToken;
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (bearer) {
    if (token && sameSecret(bearer, token)) return { id: null, email: 'SP_ADMIN_TOKEN', ip };
    throw new AppError('ADMIN_TOKEN_INVALID', 'the admin token is not valid');
  }
  const session = await sessionPrincipal(c.req.header('cookie'));
  if (!session) throw new AppError('ADMIN_AUTH_REQUIRED', 'sign in as an admin or send Authorization: Bearer <SP_ADMIN_TOKEN>');
  if (session.platformRole !== 'admin') throw new AppError('ADMIN_ONLY', 'admins only');
  return { id: session.userId, email: session.email, ip };
}

const reloadRoute = createRoute({
  method: 'post',
  path: '/v1/admin/reload-reserved',
  summary: 'Admin only: re-import the reserved-capacity file named by SP_RESERVED_CONFIG',
  description: 'Authenticate with an admin portal session cookie, or `Authorization: Bearer <SP_ADMIN_TOKEN>`. The whole file is validated before anything is imported.',
  request: {
    headers: z.object({ Authorization: z.string().optional().openapi({ description: '`Bearer <SP_ADMIN_TOKEN>` (or an admin session cookie instead)' }) }),
  },
  responses: {
    200: { description: 'Imported', content: { 'application/json': { schema: z.object({ reloaded: z.literal(true), path: z.string(), tenants: z.array(z.string()) }) } } },
    ...errorResponses([400, 401, 403, 409, 503], {
      400: 'The file is not valid (RESERVED_CONFIG_INVALID, every issue listed); nothing was imported',
      403: 'Signed in, but not an admin',
      409: 'SP_RESERVED_CONFIG is not set, or the file cannot be read',
    }),
  },
});

export function registerAdminRoutes(app: OpenAPIHono) {
  app.openapi(checkedByHandler(app, reloadRoute), async (c) => {
    const actor = await adminActor(c);
    const path = loadConfig().reservedConfigPath;
    if (!path) throw new AppError('RESERVED_CONFIG_NOT_SET', 'SP_RESERVED_CONFIG is not set; there is no file to reload');
    try {
      const { tenants } = await importReservedConfig(path, actor);
      return c.json({ reloaded: true as const, path, tenants }, 200);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('RESERVED_CONFIG_MISSING', `cannot read ${path}`);
      throw error;
    }
  });
}
