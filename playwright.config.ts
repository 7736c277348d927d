import { defineConfig } from '@playwright/test';
import { E2E_API_KEY, E2E_PORT as port, E2E_SMTP_PORT } from './e2e/support';

// Playwright loads this file before any server exists, so it (through e2e/support.ts) reads its
// variables itself.

export default defineConfig({
  testDir: 'e2e',
  // Journeys check every state with axe; a shared 2-core machine has taken minutes for one.
  timeout: 240_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://localhost:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  webServer: {
    command: 'bash scripts/e2e-server.sh',
    url: `http://localhost:${port}/healthz`,
    // A production build on a busy 2-core machine has taken over 4 minutes.
    timeout: 480_000,
    reuseExistingServer: false,
    // A fixed API key (for a tenant of its own) lets specs call the API without the portal;
    // warnings and errors only, so the run's output is not one request-log line per page load.
    // SP_TRUST_PROXY: throttling specs send X-Forwarded-For to act as client addresses of their own.
    // SP_SMTP_URL: the SMTP server e2e/emailed-links.spec.ts starts.
    env: {
      SP_PORT: String(port),
      SP_LOG_LEVEL: 'warn',
      SP_E2E_REBUILD: '1',
      SP_TRUST_PROXY: 'true',
      SP_API_KEYS: JSON.stringify({ [E2E_API_KEY]: { tenant: 'partner' } }),
      SP_SMTP_URL: `smtp://127.0.0.1:${E2E_SMTP_PORT}`,
      SP_EMAIL_FROM: 'Signet <signet@e2e.test>',
    },
    stdout: 'pipe',
    // SIGTERM lets the server drain and scripts/e2e-server.sh drop the run's database.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
});
