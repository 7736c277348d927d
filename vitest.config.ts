import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    include: ['server/**/*.test.ts', 'tests/**/*.test.ts', 'tests/**/*.test.tsx', 'lib/**/*.test.ts'],
    // tests/reliability: the heavier suite, run by npm run test:reliability (vitest.reliability.config.ts).
    exclude: ['node_modules', 'e2e', 'tests/reliability/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One request-log line per API call would bury the test output; tests that read logs redirect them.
    env: { SP_LOG_LEVEL: process.env.SP_LOG_LEVEL ?? 'warn' },
  },
});
