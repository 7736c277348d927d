// The portal API: routers only compose; each procedure calls a domain function in server/.
import { router } from './init';
import { accountRouter } from './routers/account';
import { adminRouter } from './routers/admin';
import { auditorRouter } from './routers/auditor';
import { allowlistRouter } from './routers/allowlist';
import { apiKeysRouter } from './routers/api-keys';
import { billingRouter } from './routers/billing';
import { fallbackRouter } from './routers/fallback';
import { overviewRouter } from './routers/overview';
import { receiptsRouter } from './routers/receipts';
import { requestsRouter } from './routers/requests';
import { teamRouter } from './routers/team';

export const appRouter = router({
  account: accountRouter,
  admin: adminRouter,
  auditor: auditorRouter,
  allowlist: allowlistRouter,
  apiKeys: apiKeysRouter,
  billing: billingRouter,
  fallback: fallbackRouter,
  overview: overviewRouter,
  receipts: receiptsRouter,
  requests: requestsRouter,
  team: teamRouter,
});

export type AppRouter = typeof appRouter;
