import { defineConfig } from 'prisma/config';

// The CLI is used only for `prisma generate` here; migrations are applied by server/db/migrate.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
