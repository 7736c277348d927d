// The portal API: routers only compose; each procedure calls a domain function in server/.
import { router } from './init';
import { accountRouter } from './routers/account';

export const appRouter = router({
  account: accountRouter,
});

export type AppRouter = typeof appRouter;
