// Every environment variable Signet reads, declared, validated (zod) and parsed here and
// nowhere else (ESLint refuses `process.env` in other app modules). A bad value stops the
// process at start-up with the variable's name and value (see configOrExit). The README's
// configuration table is tested against VARIABLES (tests/config/readme-table.test.ts).
import { z } from 'zod';
import { validateAllowlistEntry } from './egress/allowlist';
import type { FallbackConfig } from './fallback/config';

export type Env = Readonly<Record<string, string | undefined>>;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

// ---- value schemas: trimmed text in, typed value out, with a message naming what is expected

const text = z.string();

function int(min = 0, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d+$/, `must be a whole number ${range}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be a whole number ${range}`).max(max, `must be a whole number ${range}`));
}

const bool = z.enum(['true', 'false', '1', '0'], 'must be true or false').transform((v) => v === 'true' || v === '1');

const ratio = z
  .string()
  .regex(/^\d*\.?\d+$/, 'must be a number in (0, 1]')
  .transform(Number)
  .pipe(z.number().gt(0, 'must be a number in (0, 1]').lte(1, 'must be a number in (0, 1]'));

function url(protocols: readonly string[]) {
  const expected = `must be an absolute ${protocols.map((p) => p.replace(/:$/, '')).join(' or ')} URL`;
  return z.string().refine((raw) => {
    try {
      return protocols.includes(new URL(raw).protocol);
    } catch {
      return false;
    }
  }, expected);
}

function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, `must be one of ${values.join(', ')}`);
}

/** A comma-separated list whose entries each pass `problem` (which names what is wrong, or returns null). */
function listOf(problem: (entry: string) => string | null) {
  return z
    .string()
    .transform((raw) => raw.split(',').map((s) => s.trim()).filter(Boolean))
    .superRefine((entries, ctx) => {
      for (const entry of entries) {
        const message = problem(entry);
        if (message) ctx.addIssue({ code: 'custom', message: `entry "${entry}": ${message}` });
      }
    });
}

const allowlist = listOf((entry) => {
  const checked = validateAllowlistEntry(entry);
  return checked.ok ? null : checked.error;
});

/** `<witness vkey>@<base URL>`; the key itself is checked where the log starts (server/log/witnesses). */
const witnesses = listOf((entry) => {
  const at = entry.indexOf('@');
  if (at <= 0) return 'must be <witness vkey>@<base URL>';
  return url(['http:', 'https:']).safeParse(entry.slice(at + 1)).success ? null : 'the witness URL must be an absolute http or https URL';
});

/** `true` is one proxy; a number is that many proxies in a chain; `false` trusts none. */
const proxyHops = z
  .string()
  .regex(/^(true|false|\d+)$/, 'must be true, false or a number of proxies')
  .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v)));

// ---- the variables

interface Variable<T> {
  /** The name to use. */
  name: string;
  /** Older Signet names that still work, each with a deprecation line in the log. */
  deprecated?: readonly string[];
  /** Other names in common use (e.g. PORT), accepted silently; `name` wins over them. */
  alsoRead?: readonly string[];
  schema: z.ZodType<T, string>;
  /** The value when unset, as it would be written; parsed like a set value. */
  default?: string;
  /** Said in the README instead of a default, when the fallback is not a fixed value. */
  unsetNote?: string;
}

type Options = Omit<Variable<unknown>, 'name' | 'schema'>;

/** A variable; its options stay in its type, so a variable with a default is never null. */
function v<T, const O extends Options = Record<never, never>>(name: string, schema: z.ZodType<T, string>, options?: O): Variable<T> & O {
  return { name, schema, ...options } as Variable<T> & O;
}

export const VARIABLES = {
  port: v('SP_PORT', int(1, 65_535), { alsoRead: ['PORT'], default: '8088' }),
  host: v('SP_HOST', text, { alsoRead: ['HOST'], default: '0.0.0.0' }),
  databaseUrl: v('DATABASE_URL', url(['postgres:', 'postgresql:'])),
  storage: v('SP_STORAGE', enumOf(['pglite', 'postgres']), { default: 'pglite' }),
  postgresUrl: v('SP_POSTGRES_URL', url(['postgres:', 'postgresql:'])),
  dbPoolSize: v('SP_DB_POOL_SIZE', int(1), { default: '16' }),
  dataDir: v('SP_DATA_DIR', text, { deprecated: ['SIGNET_DATA_DIR'], default: '.data' }),
  seedDemo: v('SP_SEED_DEMO', bool, { deprecated: ['SIGNET_SEED_DEMO'], unsetNote: 'on for an empty PGlite' }),
  demoPassword: v('SP_DEMO_PASSWORD', text, { deprecated: ['SIGNET_DEMO_PASSWORD'], unsetNote: 'random, printed once' }),
  publicUrl: v('SP_PUBLIC_URL', url(['http:', 'https:']), { deprecated: ['SIGNET_PUBLIC_URL'], alsoRead: ['NEXTAUTH_URL'], unsetNote: '`http://localhost:$SP_PORT`' }),
  authSecret: v('NEXTAUTH_SECRET', text, { alsoRead: ['AUTH_SECRET'], unsetNote: 'generated, stored in the database' }),
  trustProxy: v('SP_TRUST_PROXY', proxyHops, { default: 'false' }),
  authThrottleBaseMs: v('SP_AUTH_THROTTLE_BASE_MS', int(), { default: '1000' }),
  portalMaxBodyBytes: v('SP_PORTAL_MAX_BODY_BYTES', int(1), { default: '262144' }),
  apiKeys: v('SP_API_KEYS', text),
  apiKeyCacheMs: v('SP_API_KEY_CACHE_MS', int(), { default: '2000' }),
  reservedConfig: v('SP_RESERVED_CONFIG', text),
  adminToken: v('SP_ADMIN_TOKEN', text),
  metricsToken: v('SP_METRICS_TOKEN', text),
  privateKeyB64: v('SP_PRIVATE_KEY_B64', text, { unsetNote: 'generated' }),
  kid: v('SP_KID', text, { unsetNote: 'generated' }),
  keyEncryptionKey: v('SP_KEY_ENCRYPTION_KEY', text, { deprecated: ['SIGNET_KEY_ENCRYPTION_KEY'] }),
  pseudonymKey: v('SP_PSEUDONYM_KEY', text, { unsetNote: 'generated, stored' }),
  maxBodyBytes: v('SP_MAX_BODY_BYTES', int(1), { default: '1048576' }),
  maxJsonDepth: v('SP_MAX_JSON_DEPTH', int(1), { default: '64' }),
  helAllowlist: v('SP_HEL_ALLOWLIST', allowlist),
  openaiApiKey: v('SP_OPENAI_API_KEY', text, { alsoRead: ['OPENAI_API_KEY'] }),
  fallbackBaseUrl: v('SP_FALLBACK_BASE_URL', url(['http:', 'https:']), { default: 'https://api.openai.com/v1' }),
  fallbackModel: v('SP_FALLBACK_MODEL', text, { default: 'gpt-4o-mini' }),
  fallbackTimeoutMs: v('SP_FALLBACK_TIMEOUT_MS', int(1), { default: '15000' }),
  fallbackMaxAttempts: v('SP_FALLBACK_MAX_ATTEMPTS', int(1), { default: '2' }),
  fallbackJsonMode: v('SP_FALLBACK_JSON_MODE', bool, { default: 'true' }),
  breakerFailures: v('SP_FALLBACK_BREAKER_FAILURES', int(1), { default: '5' }),
  breakerFailureRate: v('SP_FALLBACK_BREAKER_FAILURE_RATE', ratio, { default: '0.5' }),
  breakerMinCalls: v('SP_FALLBACK_BREAKER_MIN_CALLS', int(1), { default: '10' }),
  breakerWindowMs: v('SP_FALLBACK_BREAKER_WINDOW_MS', int(1), { default: '60000' }),
  breakerCooldownMs: v('SP_FALLBACK_BREAKER_COOLDOWN_MS', int(1), { default: '30000' }),
  rateLimitRps: v('SP_RATE_LIMIT_RPS', int(), { default: '5000' }),
  rateLimitBurst: v('SP_RATE_LIMIT_BURST', int(), { default: '10000' }),
  stripeSecretKey: v('STRIPE_SECRET_KEY', text),
  stripeWebhookSecret: v('STRIPE_WEBHOOK_SECRET', text),
  stripeApiHost: v('STRIPE_API_HOST', text, { unsetNote: 'Stripe' }),
  stripeApiPort: v('STRIPE_API_PORT', int(1, 65_535), { unsetNote: 'Stripe' }),
  stripeApiProtocol: v('STRIPE_API_PROTOCOL', enumOf(['http', 'https']), { unsetNote: 'Stripe' }),
  billingWindowMs: v('SP_BILLING_WINDOW_MS', int(), { default: '60000' }),
  groupCommitMax: v('SP_GROUP_COMMIT_MAX', int(1), { default: '128' }),
  shutdownTimeoutMs: v('SP_SHUTDOWN_TIMEOUT_MS', int(), { default: '10000' }),
  retentionYears: v('SP_RETENTION_YEARS', int(1), { default: '7' }),
  retentionBatch: v('SP_RETENTION_BATCH', int(1), { default: '500' }),
  smtpUrl: v('SP_SMTP_URL', url(['smtp:', 'smtps:'])),
  emailFrom: v('SP_EMAIL_FROM', text, { unsetNote: '`Signet <no-reply@<public host>>`' }),
  logLevel: v('SP_LOG_LEVEL', enumOf(LOG_LEVELS), { default: 'info' }),
  otlpEndpoint: v('OTEL_EXPORTER_OTLP_ENDPOINT', url(['http:', 'https:'])),
  otlpTracesEndpoint: v('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', url(['http:', 'https:'])),
  otelSdkDisabled: v('OTEL_SDK_DISABLED', bool, { default: 'false' }),
  logOrigin: v('SP_LOG_ORIGIN', text, { unsetNote: '`<host[:port] of SP_PUBLIC_URL>/v1/log`' }),
  logWitnesses: v('SP_LOG_WITNESSES', witnesses),
  logSequencer: v('SP_LOG_SEQUENCER', enumOf(['on', 'off']), { default: 'on' }),
  nodeEnv: v('NODE_ENV', enumOf(['development', 'production', 'test']), { default: 'production' }),
} satisfies Record<string, Variable<unknown>>;

type Values = { [K in keyof typeof VARIABLES]: (typeof VARIABLES)[K] extends Variable<infer T> ? ((typeof VARIABLES)[K] extends { default: string } ? T : T | null) : never };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function present(env: Env, name: string): string | null {
  const raw = env[name]?.trim();
  return raw ? raw : null;
}

/** Each variable's value (or null), every bad value and every deprecated name in use. */
function readVariables(env: Env): { values: Values; problems: string[]; deprecations: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  const deprecations: string[] = [];
  for (const [key, variable] of Object.entries(VARIABLES) as [string, Variable<unknown>][]) {
    let source = variable.name;
    let raw = present(env, variable.name);
    for (const old of variable.deprecated ?? []) {
      if (present(env, old) === null) continue;
      if (raw === null) {
        raw = present(env, old);
        source = old;
        deprecations.push(`${old} is deprecated: rename it to ${variable.name}`);
      } else deprecations.push(`${old} is deprecated and ignored: ${variable.name} is set`);
    }
    for (const other of variable.alsoRead ?? []) {
      if (raw !== null) break;
      raw = present(env, other);
      source = other;
    }
    if (raw === null && variable.default === undefined) {
      values[key] = null;
      continue;
    }
    const parsed = variable.schema.safeParse(raw ?? variable.default);
    if (parsed.success) values[key] = parsed.data;
    else problems.push(`${source}=${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return { values: values as Values, problems, deprecations };
}

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL when set (DATABASE_URL, or SP_STORAGE=postgres + SP_POSTGRES_URL); else PGlite. */
  databaseUrl: string | null;
  dbPoolSize: number;
  dataDir: string;
  publicUrl: string;
  authSecret: string | null;
  apiKeysJson: string | null;
  /** How long an API-key lookup is cached (SP_API_KEY_CACHE_MS). */
  apiKeyCacheMs: number;
  reservedConfigPath: string | null;
  /** Bearer token for the admin API routes (SP_ADMIN_TOKEN). */
  adminToken: string | null;
  stripeSecretKey: string | null;
  stripeWebhookSecret: string | null;
  /** Where the Stripe SDK connects (STRIPE_API_*); unset parts are Stripe's own. */
  stripeApi: { host?: string; port?: number; protocol?: 'http' | 'https' };
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
  /** SP_SEED_DEMO: true seeds any empty database, false none; null (unset) only an empty PGlite. */
  seedDemo: boolean | null;
  demoPassword: string | null;
  pseudonymKey: string | null;
  /** Per-API-key limit shared by all instances (server/ratelimit); 0 requests/s disables it. */
  rateLimit: { rps: number; burst: number };
  /** Proxies in front of Signet whose X-Forwarded-For entries are trusted (SP_TRUST_PROXY). */
  trustProxyHops: number;
  /** The first delay after repeated failed sign-ins or sign-ups; it doubles per failure (SP_AUTH_THROTTLE_BASE_MS). */
  authThrottleBaseMs: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>` (SP_METRICS_TOKEN). */
  metricsToken: string | null;
  /** Most exchanges sharing one database transaction (SP_GROUP_COMMIT_MAX). */
  groupCommitMax: number;
  shutdownTimeoutMs: number;
  /** Receipts younger than `years` are never purged; the purge removes `batch` traces per transaction. */
  retention: { years: number; batch: number };
  /** Transparency log (SPEC §7): origin override, witnesses (`<vkey>@<url>`), sequencer on/off. */
  log: { origin: string | null; witnesses: string[]; sequencer: boolean };
  /** Outgoing email (SP_SMTP_URL, SP_EMAIL_FROM); without a URL, links go to the server log. */
  email: { smtpUrl: string | null; from: string | null };
  /** The LLM fallback repair (SP_OPENAI_API_KEY, SP_FALLBACK_*). */
  fallback: FallbackConfig;
  /** OpenTelemetry's OTLP endpoint when tracing is on; the SDK reads its other OTEL_* variables itself. */
  otlpEndpoint: string | null;
  logLevel: LogLevel;
  dev: boolean;
  /** One line per deprecated variable name in use, for the start-up log. */
  deprecations: string[];
}

/** The configuration `env` describes; throws a ConfigError listing every bad value. */
export function loadConfig(env: Env = process.env): Config {
  const { values: c, problems, deprecations } = readVariables(env);
  if (c.storage === 'postgres' && !c.databaseUrl && !c.postgresUrl) problems.push('SP_STORAGE=postgres requires SP_POSTGRES_URL (or DATABASE_URL)');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port: c.port,
    host: c.host,
    databaseUrl: c.databaseUrl ?? (c.storage === 'postgres' ? c.postgresUrl : null),
    dbPoolSize: c.dbPoolSize,
    // Resolved where the database opens (server/db/connection.ts), not here: this module is also
    // bundled by Next, whose tracer would otherwise pull in the whole project.
    dataDir: c.dataDir,
    publicUrl: c.publicUrl ?? `http://localhost:${c.port}`,
    authSecret: c.authSecret,
    apiKeysJson: c.apiKeys,
    apiKeyCacheMs: c.apiKeyCacheMs,
    reservedConfigPath: c.reservedConfig,
    adminToken: c.adminToken,
    stripeSecretKey: c.stripeSecretKey,
    stripeWebhookSecret: c.stripeWebhookSecret,
    stripeApi: {
      ...(c.stripeApiHost ? { host: c.stripeApiHost } : {}),
      ...(c.stripeApiPort ? { port: c.stripeApiPort } : {}),
      ...(c.stripeApiProtocol ? { protocol: c.stripeApiProtocol } : {}),
    },
    billingWindowMs: c.billingWindowMs,
    helAllowlist: c.helAllowlist ?? [],
    signingSeedB64: c.privateKeyB64,
    signingKid: c.kid,
    keyEncryptionKey: c.keyEncryptionKey,
    maxBodyBytes: c.maxBodyBytes,
    portalMaxBodyBytes: c.portalMaxBodyBytes,
    maxJsonDepth: c.maxJsonDepth,
    seedDemo: c.seedDemo,
    demoPassword: c.demoPassword,
    pseudonymKey: c.pseudonymKey,
    rateLimit: { rps: c.rateLimitRps, burst: c.rateLimitBurst },
    trustProxyHops: c.trustProxy,
    authThrottleBaseMs: c.authThrottleBaseMs,
    metricsToken: c.metricsToken,
    groupCommitMax: c.groupCommitMax,
    shutdownTimeoutMs: c.shutdownTimeoutMs,
    retention: { years: c.retentionYears, batch: c.retentionBatch },
    log: { origin: c.logOrigin, witnesses: c.logWitnesses ?? [], sequencer: c.logSequencer === 'on' },
    email: { smtpUrl: c.smtpUrl, from: c.emailFrom },
    fallback: {
      apiKey: c.openaiApiKey,
      baseURL: c.fallbackBaseUrl.replace(/\/+$/, ''),
      model: c.fallbackModel,
      timeoutMs: c.fallbackTimeoutMs,
      maxAttempts: c.fallbackMaxAttempts,
      jsonMode: c.fallbackJsonMode,
      breaker: {
        failureThreshold: c.breakerFailures,
        failureRate: c.breakerFailureRate,
        minimumCalls: c.breakerMinCalls,
        windowMs: c.breakerWindowMs,
        cooldownMs: c.breakerCooldownMs,
      },
    },
    otlpEndpoint: c.otelSdkDisabled ? null : (c.otlpTracesEndpoint ?? c.otlpEndpoint),
    logLevel: c.logLevel,
    dev: c.nodeEnv === 'development',
    deprecations,
  };
}

/**
 * The start-up check of a Signet process: the configuration, or a message naming each bad
 * variable and value on stderr and exit status 1. Deprecated names are reported to `warn`.
 */
export function configOrExit(warn: (line: string) => void): Config {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`signet: ${error.message}\n`);
    process.exit(1);
  }
  for (const line of config.deprecations) warn(line);
  return config;
}

/**
 * SP_LOG_LEVEL alone, for the logger, which is made when its module loads (before start-up
 * runs configOrExit). An invalid level logs at info until configOrExit refuses it.
 */
export function logLevelFromEnv(env: Env = process.env): LogLevel {
  const parsed = VARIABLES.logLevel.schema.safeParse(present(env, VARIABLES.logLevel.name) ?? VARIABLES.logLevel.default);
  return parsed.success ? parsed.data : 'info';
}

/**
 * Hands the secrets bootstrap resolved (generated and stored when unset) to the code that reads
 * them from the environment later: next-auth (NEXTAUTH_SECRET, NEXTAUTH_URL) and Next's own copy
 * of this module, bundled separately, for which the environment is the only shared state.
 */
export function publishResolvedSecrets(secrets: { authSecret: string; pseudonymKey: string; publicUrl: string }): void {
  process.env.NEXTAUTH_SECRET = secrets.authSecret;
  process.env.SP_PSEUDONYM_KEY = secrets.pseudonymKey;
  process.env.NEXTAUTH_URL ??= secrets.publicUrl;
}

/** The environment of the signet-verify CLI, which runs apart from any Signet server. */
export function verifierEnv(env: Env = process.env): { apiKey: string | null; color: boolean; deprecations: string[] } {
  const apiKey = present(env, 'SP_API_KEY');
  const old = present(env, 'SIGNET_API_KEY');
  const deprecations = old === null ? [] : [apiKey === null ? 'SIGNET_API_KEY is deprecated: rename it to SP_API_KEY' : 'SIGNET_API_KEY is deprecated and ignored: SP_API_KEY is set'];
  return { apiKey: apiKey ?? old, color: !env.NO_COLOR, deprecations };
}
