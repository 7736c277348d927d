// Every environment variable Signet reads, parsed once. The README's configuration table
// mirrors this file.

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL when set (DATABASE_URL, or SP_STORAGE=postgres + SP_POSTGRES_URL); else PGlite. */
  databaseUrl: string | null;
  dataDir: string;
  publicUrl: string;
  authSecret: string | null;
  apiKeysJson: string | null;
  reservedConfigPath: string | null;
  stripeSecretKey: string | null;
  stripeWebhookSecret: string | null;
  /** Usage younger than this is not batched for billing yet (SP_BILLING_WINDOW_MS). */
  billingWindowMs: number;
  helAllowlist: string[];
  signingSeedB64: string | null;
  signingKid: string | null;
  keyEncryptionKey: string | null;
  maxBodyBytes: number;
  maxJsonDepth: number;
  seedDemo: boolean;
  pseudonymKey: string | null;
  /** Per-API-key limit shared by all instances (server/ratelimit); 0 requests/s disables it. */
  rateLimit: { rps: number; burst: number };
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function str(name: string): string | null {
  const raw = process.env[name];
  return raw === undefined || raw.trim() === '' ? null : raw.trim();
}

function list(name: string): string[] {
  return (str(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export function databaseUrlFromEnv(): string | null {
  const explicit = str('DATABASE_URL');
  if (explicit) return explicit;
  if (str('SP_STORAGE') === 'postgres') {
    const url = str('SP_POSTGRES_URL');
    if (!url) throw new Error('SP_STORAGE=postgres requires SP_POSTGRES_URL');
    return url;
  }
  return null;
}

export function loadConfig(): Config {
  const port = int('PORT', 8088);
  return {
    port,
    host: str('HOST') ?? '0.0.0.0',
    databaseUrl: databaseUrlFromEnv(),
    // Resolved where the database opens (server/db/connection.ts), not here: this module is also
    // bundled by Next, whose tracer would otherwise pull in the whole project.
    dataDir: str('SIGNET_DATA_DIR') ?? '.data',
    publicUrl: str('SIGNET_PUBLIC_URL') ?? str('NEXTAUTH_URL') ?? `http://localhost:${port}`,
    authSecret: str('NEXTAUTH_SECRET') ?? str('AUTH_SECRET'),
    apiKeysJson: str('SP_API_KEYS'),
    reservedConfigPath: str('SP_RESERVED_CONFIG'),
    stripeSecretKey: str('STRIPE_SECRET_KEY'),
    stripeWebhookSecret: str('STRIPE_WEBHOOK_SECRET'),
    billingWindowMs: int('SP_BILLING_WINDOW_MS', 60_000),
    helAllowlist: list('SP_HEL_ALLOWLIST'),
    signingSeedB64: str('SP_PRIVATE_KEY_B64'),
    signingKid: str('SP_KID'),
    keyEncryptionKey: str('SIGNET_KEY_ENCRYPTION_KEY'),
    maxBodyBytes: int('SP_MAX_BODY_BYTES', 1_048_576),
    maxJsonDepth: int('SP_MAX_JSON_DEPTH', 64),
    seedDemo: str('SIGNET_SEED_DEMO') !== 'false',
    pseudonymKey: str('SP_PSEUDONYM_KEY'),
    rateLimit: { rps: int('SP_RATE_LIMIT_RPS', 5000), burst: int('SP_RATE_LIMIT_BURST', 10_000) },
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** SP_LOG_LEVEL (default info): read where the logger is made, which is before loadConfig runs. */
export function logLevelFromEnv(): LogLevel {
  const raw = str('SP_LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new Error(`SP_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return raw as LogLevel;
}
