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
  /** Largest body the portal's tRPC API reads (SP_PORTAL_MAX_BODY_BYTES). */
  portalMaxBodyBytes: number;
  maxJsonDepth: number;
  seedDemo: boolean;
  pseudonymKey: string | null;
  /** Per-API-key limit shared by all instances (server/ratelimit); 0 requests/s disables it. */
  rateLimit: { rps: number; burst: number };
  /** Proxies in front of Signet whose X-Forwarded-For entries are trusted (SP_TRUST_PROXY). */
  trustProxyHops: number;
  /** The first delay after repeated failed sign-ins or sign-ups; it doubles per failure (SP_AUTH_THROTTLE_BASE_MS). */
  authThrottleBaseMs: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>` (SP_METRICS_TOKEN). */
  metricsToken: string | null;
  /** Transparency log (SPEC §7): origin override, witnesses (`<vkey>@<url>`), sequencer on/off. */
  log: { origin: string | null; witnesses: string[]; sequencer: boolean };
  /** Outgoing email (SP_SMTP_URL, SP_EMAIL_FROM); without a URL, links go to the server log. */
  email: { smtpUrl: string | null; from: string | null };
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
    email: { smtpUrl: str('SP_SMTP_URL'), from: str('SP_EMAIL_FROM') },
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
    portalMaxBodyBytes: int('SP_PORTAL_MAX_BODY_BYTES', 262_144),
    maxJsonDepth: int('SP_MAX_JSON_DEPTH', 64),
    seedDemo: str('SIGNET_SEED_DEMO') !== 'false',
    pseudonymKey: str('SP_PSEUDONYM_KEY'),
    rateLimit: { rps: int('SP_RATE_LIMIT_RPS', 5000), burst: int('SP_RATE_LIMIT_BURST', 10_000) },
    trustProxyHops: trustProxyHops(),
    authThrottleBaseMs: int('SP_AUTH_THROTTLE_BASE_MS', 1000),
    metricsToken: str('SP_METRICS_TOKEN'),
    log: { origin: str('SP_LOG_ORIGIN'), witnesses: list('SP_LOG_WITNESSES'), sequencer: str('SP_LOG_SEQUENCER') !== 'off' },
  };
}

/** `true` is one proxy; a number is that many proxies in a chain; unset or `false` trusts none. */
function trustProxyHops(): number {
  const raw = str('SP_TRUST_PROXY');
  if (raw === null || raw === 'false') return 0;
  if (raw === 'true') return 1;
  return int('SP_TRUST_PROXY', 0);
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** SP_LOG_LEVEL (default info): read where the logger is made, which is before loadConfig runs. */
export function logLevelFromEnv(): LogLevel {
  const raw = str('SP_LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new Error(`SP_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return raw as LogLevel;
}
