// Shared e2e helpers: demo credentials, sign-in, screenshots saved as test artifacts, and a
// `test` that fails any spec whose pages report a Content-Security-Policy violation.
import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, type Page, type TestInfo } from '@playwright/test';

export { expect };

export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
      });
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /CSP violation|Content Security Policy/.test(msg.text())) violations.push(`${page.url()}: ${msg.text()}`);
      });
      await use(violations);
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

// The e2e server's demo password (scripts/e2e-server.sh; SIGNET_DEMO_PASSWORD is the deprecated name).
export const DEMO_PASSWORD = process.env.SP_DEMO_PASSWORD || process.env.SIGNET_DEMO_PASSWORD || 'e2e-demo-password';
/** The e2e server's port: SP_E2E_PORT (SIGNET_E2E_PORT: the deprecated name) lets several runs share a machine. */
export const E2E_PORT = Number(process.env.SP_E2E_PORT || process.env.SIGNET_E2E_PORT || 8091);
/**
 * Where the e2e server sends email (SP_SMTP_URL). e2e/emailed-links.spec.ts listens there while
 * it runs; at other times a send fails at once and the portal shows the link instead.
 */
export const E2E_SMTP_PORT = E2E_PORT + 10_000;
/** An API key playwright.config.ts imports through SP_API_KEYS, for tenant `partner`. */
export const E2E_API_KEY = 'e2e_partner_key_0001';

export const DEMO = {
  owner: 'owner@demo.signet.local',
  admin: 'admin@signet.local',
  auditor: 'auditor@signet.local',
};

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

/**
 * Waits until every finite CSS transition and animation has run to its end. A button enabled a
 * moment ago is still fading from its disabled colour (`transition-colors`), and axe measuring
 * contrast halfway through reports a violation no user sees for more than 150 ms.
 */
async function settle(page: Page) {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => Number.isFinite(animation.effect?.getComputedTiming().endTime ?? Infinity))
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
}

/** Serious and critical accessibility violations (axe-core, WCAG 2.1 A/AA) on the page once it has settled. */
export async function expectAccessible(page: Page, name: string) {
  await settle(page);
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  expect.soft(serious, `accessibility violations on ${name}`).toEqual([]);
}

/** Full-page screenshot attached to the report and kept under test-results/screenshots; every state snapped is also checked with axe. */
export async function snap(page: Page, info: TestInfo, name: string) {
  const path = `test-results/screenshots/${name}.png`;
  await settle(page);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
  await expectAccessible(page, name);
}

/** Creates an API key on the keys page as the signed-in owner and returns its secret (shown once). */
export async function createKeyInPortal(page: Page, name: string): Promise<string> {
  await page.goto('/dashboard/keys');
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create key' }).click();
  return page.getByLabel('API key secret').inputValue();
}

export async function signOut(page: Page) {
  // On a phone the account controls are folded into the header's menu.
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
}
