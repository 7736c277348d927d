import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, VARIABLES, verifierEnv, type Env } from './config';

function problems(env: Env): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('has a default for every setting Signet cannot run without', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8088,
      host: '0.0.0.0',
      databaseUrl: null,
      dataDir: '.data',
      publicUrl: 'http://localhost:8088',
      groupCommitMax: 128,
      seedDemo: null,
      trustProxyHops: 0,
      helAllowlist: [],
      retention: { years: 7, batch: 500 },
      log: { origin: null, witnesses: [], sequencer: true },
      stripeApi: {},
      otlpEndpoint: null,
      logLevel: 'info',
      dev: false,
      deprecations: [],
    });
  });

  it('every default parses with its own variable schema', () => {
    for (const variable of Object.values(VARIABLES)) {
      if ('default' in variable) expect(variable.schema.safeParse(variable.default).success, variable.name).toBe(true);
    }
  });

  it('reads set values, trimmed', () => {
    const config = loadConfig({
      SP_PORT: ' 9000 ',
      SP_GROUP_COMMIT_MAX: '16',
      SP_SEED_DEMO: 'true',
      SP_TRUST_PROXY: '2',
      SP_HEL_ALLOWLIST: 'api.example.com, *.example.org,host.example:8443',
      SP_LOG_WITNESSES: 'w+abcd@https://witness.example/',
      SP_LOG_SEQUENCER: 'off',
      NODE_ENV: 'development',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    });
    expect(config).toMatchObject({
      port: 9000,
      publicUrl: 'http://localhost:9000',
      groupCommitMax: 16,
      seedDemo: true,
      trustProxyHops: 2,
      helAllowlist: ['api.example.com', '*.example.org', 'host.example:8443'],
      log: { witnesses: ['w+abcd@https://witness.example/'], sequencer: false },
      dev: true,
      otlpEndpoint: 'http://127.0.0.1:4318',
    });
    expect(loadConfig({ SP_TRUST_PROXY: 'true' }).trustProxyHops).toBe(1);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' }).otlpEndpoint).toBeNull();
  });

  it('takes PostgreSQL from DATABASE_URL, or from SP_STORAGE=postgres with SP_POSTGRES_URL', () => {
    const url = 'postgresql://root@localhost/signet?host=/var/run/postgresql';
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(loadConfig({ SP_STORAGE: 'postgres', SP_POSTGRES_URL: url }).databaseUrl).toBe(url);
    expect(loadConfig({ SP_POSTGRES_URL: url }).databaseUrl).toBeNull();
    expect(problems({ SP_STORAGE: 'postgres' })).toEqual(['SP_STORAGE=postgres requires SP_POSTGRES_URL (or DATABASE_URL)']);
  });

  it.each([
    // whole numbers
    ['SP_GROUP_COMMIT_MAX', 'abc', 'SP_GROUP_COMMIT_MAX="abc": must be a whole number >= 1'],
    ['SP_GROUP_COMMIT_MAX', '0', 'SP_GROUP_COMMIT_MAX="0": must be a whole number >= 1'],
    ['SP_GROUP_COMMIT_MAX', '1.5', 'SP_GROUP_COMMIT_MAX="1.5": must be a whole number >= 1'],
    ['SP_PORT', '70000', 'SP_PORT="70000": must be a whole number from 1 to 65535'],
    ['SP_RATE_LIMIT_RPS', '-1', 'SP_RATE_LIMIT_RPS="-1": must be a whole number >= 0'],
    ['SP_API_KEY_CACHE_MS', '2s', 'SP_API_KEY_CACHE_MS="2s": must be a whole number >= 0'],
    ['SP_DB_POOL_SIZE', '1e3', 'SP_DB_POOL_SIZE="1e3": must be a whole number >= 1'],
    // booleans
    ['SP_SEED_DEMO', 'yes', 'SP_SEED_DEMO="yes": must be true or false'],
    ['SP_FALLBACK_JSON_MODE', 'on', 'SP_FALLBACK_JSON_MODE="on": must be true or false'],
    ['SP_TRUST_PROXY', 'maybe', 'SP_TRUST_PROXY="maybe": must be true, false or a number of proxies'],
    // URLs
    ['SP_PUBLIC_URL', 'localhost:8088', 'SP_PUBLIC_URL="localhost:8088": must be an absolute http or https URL'],
    ['SP_SMTP_URL', 'http://mail.example', 'SP_SMTP_URL="http://mail.example": must be an absolute smtp or smtps URL'],
    ['DATABASE_URL', 'mysql://db/signet', 'DATABASE_URL="mysql://db/signet": must be an absolute postgres or postgresql URL'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', 'OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318": must be an absolute http or https URL'],
    // enums
    ['SP_LOG_LEVEL', 'verbose', 'SP_LOG_LEVEL="verbose": must be one of fatal, error, warn, info, debug, trace, silent'],
    ['SP_LOG_SEQUENCER', 'maybe', 'SP_LOG_SEQUENCER="maybe": must be one of on, off'],
    ['SP_STORAGE', 'mysql', 'SP_STORAGE="mysql": must be one of pglite, postgres'],
    ['NODE_ENV', 'staging', 'NODE_ENV="staging": must be one of development, production, test'],
    // lists
    ['SP_HEL_ALLOWLIST', 'api.example.com,https://evil.example/', 'SP_HEL_ALLOWLIST="api.example.com,https://evil.example/": entry "https://evil.example/":'],
    ['SP_LOG_WITNESSES', 'no-at-sign', 'SP_LOG_WITNESSES="no-at-sign": entry "no-at-sign": must be <witness vkey>@<base URL>'],
    ['SP_LOG_WITNESSES', 'w+abcd@witness.example', 'SP_LOG_WITNESSES="w+abcd@witness.example": entry "w+abcd@witness.example": the witness URL must be an absolute http or https URL'],
  ])('refuses %s=%s, naming the variable and the value', (name, value, message) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]!.slice(0, message.length)).toBe(message);
  });

  it('reports every bad value at once, under the name that was set', () => {
    expect(() => loadConfig({ PORT: 'eighty', SP_MAX_JSON_DEPTH: '0', SIGNET_SEED_DEMO: 'sometimes' })).toThrow(
      'invalid configuration:\n  PORT="eighty": must be a whole number from 1 to 65535\n  SIGNET_SEED_DEMO="sometimes": must be true or false\n  SP_MAX_JSON_DEPTH="0": must be a whole number >= 1',
    );
  });
});

describe('SIGNET_* names', () => {
  const variables: { name: string; deprecated?: readonly string[] }[] = Object.values(VARIABLES);
  const twins = variables.flatMap((v) => (v.deprecated ?? []).map((old) => [old, v.name] as const));

  it('every SIGNET_* name Signet read has an SP_* twin', () => {
    expect(new Map(twins)).toEqual(
      new Map([
        ['SIGNET_DATA_DIR', 'SP_DATA_DIR'],
        ['SIGNET_SEED_DEMO', 'SP_SEED_DEMO'],
        ['SIGNET_DEMO_PASSWORD', 'SP_DEMO_PASSWORD'],
        ['SIGNET_PUBLIC_URL', 'SP_PUBLIC_URL'],
        ['SIGNET_KEY_ENCRYPTION_KEY', 'SP_KEY_ENCRYPTION_KEY'],
      ]),
    );
  });

  it('still work, with one deprecation line each', () => {
    const config = loadConfig({ SIGNET_DATA_DIR: '/srv/signet', SIGNET_PUBLIC_URL: 'https://signet.example', SIGNET_SEED_DEMO: 'false', SIGNET_KEY_ENCRYPTION_KEY: 'kek', SIGNET_DEMO_PASSWORD: 'pw' });
    expect(config).toMatchObject({ dataDir: '/srv/signet', publicUrl: 'https://signet.example', seedDemo: false, keyEncryptionKey: 'kek', demoPassword: 'pw' });
    expect(config.deprecations).toEqual([
      'SIGNET_DATA_DIR is deprecated: rename it to SP_DATA_DIR',
      'SIGNET_SEED_DEMO is deprecated: rename it to SP_SEED_DEMO',
      'SIGNET_DEMO_PASSWORD is deprecated: rename it to SP_DEMO_PASSWORD',
      'SIGNET_PUBLIC_URL is deprecated: rename it to SP_PUBLIC_URL',
      'SIGNET_KEY_ENCRYPTION_KEY is deprecated: rename it to SP_KEY_ENCRYPTION_KEY',
    ]);
  });

  it('lose to their SP_* twin when both are set', () => {
    const config = loadConfig({ SP_DATA_DIR: '/new', SIGNET_DATA_DIR: '/old', SP_PUBLIC_URL: 'https://new.example', SIGNET_PUBLIC_URL: 'not even a URL' });
    expect(config).toMatchObject({ dataDir: '/new', publicUrl: 'https://new.example' });
    expect(config.deprecations).toEqual(['SIGNET_DATA_DIR is deprecated and ignored: SP_DATA_DIR is set', 'SIGNET_PUBLIC_URL is deprecated and ignored: SP_PUBLIC_URL is set']);
  });

  it('SP_* names win over the conventional ones too, which are not deprecated', () => {
    const config = loadConfig({ SP_PORT: '9001', PORT: '9002', SP_PUBLIC_URL: 'https://sp.example', NEXTAUTH_URL: 'https://nextauth.example' });
    expect(config).toMatchObject({ port: 9001, publicUrl: 'https://sp.example' });
    expect(loadConfig({ PORT: '9002', NEXTAUTH_URL: 'https://nextauth.example' })).toMatchObject({ port: 9002, publicUrl: 'https://nextauth.example', deprecations: [] });
  });

  it('SIGNET_API_KEY still works for signet-verify, where SP_API_KEY wins', () => {
    expect(verifierEnv({ SIGNET_API_KEY: 'old' })).toEqual({ apiKey: 'old', color: true, deprecations: ['SIGNET_API_KEY is deprecated: rename it to SP_API_KEY'] });
    expect(verifierEnv({ SP_API_KEY: 'new', SIGNET_API_KEY: 'old', NO_COLOR: '1' })).toMatchObject({ apiKey: 'new', color: false });
    expect(verifierEnv({})).toEqual({ apiKey: null, color: true, deprecations: [] });
  });
});

describe('a Signet process started with a bad value', () => {
  it('refuses to start: the variable and value on stderr, exit status 1', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/api-server.ts'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', SP_GROUP_COMMIT_MAX: 'abc', SP_DATA_DIR: '/nonexistent/never-opened' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('signet: invalid configuration:\n  SP_GROUP_COMMIT_MAX="abc": must be a whole number >= 1\n');
    expect(run.stderr).not.toContain('    at ');
  });
});
