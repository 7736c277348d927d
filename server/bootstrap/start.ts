// Everything that must be true before the first request: the database migrated, a signing
// key active, the catalog seeded, the guide's env configuration imported, demo data on a
// fresh embedded database.
import { importApiKeysFromEnv } from '../apikeys/import-env';
import { importReservedConfig, publishReservedGauges } from '../billing/reserved';
import { publishResolvedSecrets, type Config } from '../config';
import { openDatabase, type Database } from '../db/connection';
import { registerDatabase } from '../db';
import { ensureSigningKey } from '../keys/signing-keys';
import { ensureStoredSecret } from './secrets';
import { seedCatalog } from './catalog';
import { seedDemo } from './demo';
import { logger } from '../telemetry/logger';

const BOOTSTRAP_LOCK = 0x5167_6e70;

export async function bootstrap(config: Config): Promise<Database> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  registerDatabase(db);
  // Every step below reads, then writes what is missing; instances starting together take turns.
  await db.sql.exclusively(BOOTSTRAP_LOCK, async () => {
    publishResolvedSecrets({
      authSecret: await ensureStoredSecret('auth.secret', config.authSecret),
      pseudonymKey: await ensureStoredSecret('mappings.pseudonym_key', config.pseudonymKey),
      publicUrl: config.publicUrl,
    });
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
    // Unset SP_SEED_DEMO seeds an empty embedded database only; true seeds PostgreSQL too.
    if (empty && (config.seedDemo ?? db.kind === 'pglite')) {
      await seedDemo();
    }
  });
  return db;
}
