// Everything that must be true before the first request: the database migrated, a signing
// key active, the catalog seeded, the guide's env configuration imported, demo data on a
// fresh embedded database.
import { importApiKeysFromEnv } from '../apikeys/import-env';
import { importReservedConfig, publishReservedGauges } from '../billing/reserved';
import type { Config } from '../config';
import { openDatabase, type Database } from '../db/connection';
import { registerDatabase } from '../db';
import { ensureSigningKey } from '../keys/signing-keys';
import { ensureStoredSecret } from './secrets';
import { seedCatalog } from './catalog';
import { seedDemo } from './demo';
import { logger } from '../telemetry/logger';

export async function bootstrap(config: Config): Promise<Database> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  registerDatabase(db);
  process.env.NEXTAUTH_SECRET = await ensureStoredSecret('auth.secret', config.authSecret);
  process.env.SP_PSEUDONYM_KEY = await ensureStoredSecret('mappings.pseudonym_key', config.pseudonymKey);
  process.env.NEXTAUTH_URL ??= config.publicUrl;
  await ensureSigningKey({ seedB64: config.signingSeedB64, kid: config.signingKid });
  await seedCatalog();
  if (config.apiKeysJson) {
    const { tenants, keys } = await importApiKeysFromEnv(config.apiKeysJson);
    logger.info(`SP_API_KEYS: ${keys} key(s) for tenant(s) ${tenants.join(', ')}`);
  }
  if (config.reservedConfigPath) {
    const { tenants } = await importReservedConfig(config.reservedConfigPath);
    logger.info(`SP_RESERVED_CONFIG: reserved capacity for ${tenants.join(', ') || 'no tenants'}`);
  }
  await publishReservedGauges();
  const empty = (await db.prisma.user.count()) === 0;
  if (config.seedDemo && empty && (db.kind === 'pglite' || process.env.SIGNET_SEED_DEMO === 'true')) {
    await seedDemo();
  }
  return db;
}
