// Every portal page, once on a phone (390×844, light) and once in dark mode (1440×900), each
// checked with axe and kept as a screenshot. On the phone nothing may scroll the page sideways,
// every visible control lies within the screen's width, and the app shell's header is one row
// (its areas and account controls fold into a menu, opened and closed by keyboard here). One signed-in page per role: the
// viewport and colour scheme change between the two passes, not the session.
import { readFile } from 'node:fs/promises';
import type { Page, TestInfo } from '@playwright/test';
import { THEME_STORAGE_KEY } from '@/lib/theme';
import { createKeyInPortal, DEMO, expect, signIn, snap, test } from './support';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
/** One row of the header: 24 px of padding around its tallest control (the Menu button, ~34 px). */
const HEADER_ONE_ROW = 64;

const example = JSON.parse(await readFile('server/mappings/verticals/finance/examples/finance-demo.json', 'utf8')) as {
  payload_type: string;
  target_type: string;
  payload: unknown;
};

interface Visit {
  path: string;
  /** The page's h1. */
  heading: string | RegExp;
  /** The page's primary actions: each must be on screen at phone width. */
  actions?: { role: 'button' | 'link'; name: string | RegExp; exact?: boolean }[];
  /** The screenshot's name when the path holds a generated id. */
  shot?: string;
}

/** Screenshot names: test-results/screenshots/theme-<role>-<page>-{phone,dark}.png */
function shotName(role: string, visit: Visit, mode: 'phone' | 'dark') {
  const page = visit.shot ?? visit.path.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '');
  return `theme-${role}-${page}-${mode}`;
}

/** Waits for what the page loads after its HTML: queries (spinners gone) and charts (drawn). */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('[role="status"]:has(.animate-spin)')).toHaveCount(0);
  for (const chart of await page.locator('figure > [aria-hidden="true"]').all()) await expect(chart.locator('.recharts-wrapper > .recharts-surface')).toBeVisible();
}

/** Controls the reader can see, whose box reaches past the screen's left or right edge (the section navigation scrolls sideways by design). */
async function controlsOffScreen(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, select, input:not([type=hidden]), textarea, a[href]')]
      .filter((el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) && !el.closest('[aria-hidden="true"], nav[aria-label="Section"]'))
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && (box.left < -1 || box.right > window.innerWidth + 1);
      })
      .map((el) => `${el.tagName.toLowerCase()} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}” at ${Math.round(el.getBoundingClientRect().left)}–${Math.round(el.getBoundingClientRect().right)}`),
  );
}

/** Opens the page at that size and system colour scheme, once its heading shows and it has settled. */
async function open(page: Page, visit: Visit, size: { width: number; height: number }, colorScheme: 'light' | 'dark') {
  await page.setViewportSize(size);
  await page.emulateMedia({ colorScheme });
  await page.goto(visit.path);
  await expect(page.getByRole('heading', { level: 1, name: visit.heading })).toBeVisible();
  await settle(page);
}

async function visitOnPhone(page: Page, info: TestInfo, role: string, visit: Visit) {
  await open(page, visit, PHONE, 'light');
  await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect.soft(overflow, `${visit.path} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
  for (const action of visit.actions ?? []) {
    const control = page.getByRole(action.role, { name: action.name, exact: action.exact }).first();
    await expect(control).toBeVisible();
    const box = (await control.boundingBox())!;
    expect.soft(box.x >= 0 && box.x + box.width <= PHONE.width, `${visit.path}: “${action.name}” within the screen (${Math.round(box.x)}–${Math.round(box.x + box.width)})`).toBe(true);
  }
  expect.soft(await controlsOffScreen(page), `${visit.path}: controls off-screen at 390 px`).toEqual([]);
  const header = page.getByTestId('app-header');
  if ((await header.count()) > 0) expect.soft((await header.boundingBox())!.height, `${visit.path}: the header is one row at 390 px`).toBeLessThanOrEqual(HEADER_ONE_ROW);
  await snap(page, info, shotName(role, visit, 'phone'));
}

/**
 * The header's menu on a phone, in both colour schemes: closed, the account controls are hidden
 * and the header is one row; opened from the keyboard, every area link, the theme choice and
 * Sign out lie on screen; Escape closes it and gives focus back to its button.
 */
async function phoneMenu(page: Page, info: TestInfo, role: string, path: string, areas: string[]) {
  await page.setViewportSize(PHONE);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.goto(path);
    await settle(page);
    const menu = page.getByRole('button', { name: 'Menu' });
    const signOutButton = page.getByRole('button', { name: 'Sign out' });
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(signOutButton).toBeHidden();
    await menu.focus();
    await page.keyboard.press('Enter');
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    const areaLinks = page.getByRole('navigation', { name: 'Areas' }).getByRole('link');
    for (const name of areas) await expect(areaLinks.filter({ hasText: name })).toBeVisible();
    await expect(page.getByLabel('Theme')).toBeVisible();
    await expect(signOutButton).toBeVisible();
    expect.soft(await controlsOffScreen(page), `${role}: controls off-screen in the open menu`).toEqual([]);
    expect.soft((await page.getByTestId('app-header').boundingBox())!.height, `${role}: the open menu does not grow the header`).toBeLessThanOrEqual(HEADER_ONE_ROW);
    await snap(page, info, `theme-${role}-menu-phone${colorScheme === 'dark' ? '-dark' : ''}`);
    await page.keyboard.press('Escape');
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(menu).toBeFocused();
    await expect(signOutButton).toBeHidden();
  }
}

/** Dark by the system setting, with no stored choice: the page follows it as loaded. */
async function visitInDark(page: Page, info: TestInfo, role: string, visit: Visit) {
  await open(page, visit, DESKTOP, 'dark');
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await snap(page, info, shotName(role, visit, 'dark'));
}

async function visitAll(page: Page, info: TestInfo, role: string, visits: Visit[]) {
  for (const visit of visits) await visitOnPhone(page, info, role, visit);
  for (const visit of visits) await visitInDark(page, info, role, visit);
}

test.describe.configure({ mode: 'serial' });

test('signed-out pages on a phone and in dark mode; the theme toggle overrides the system and persists', async ({ page }, info) => {
  await visitAll(page, info, 'public', [
    { path: '/signin', heading: 'Sign in', actions: [{ role: 'button', name: 'Sign in' }] },
    { path: '/signup', heading: 'Create your Signet account', actions: [{ role: 'button', name: 'Create account' }] },
    { path: '/forgot-password', heading: 'Reset your password', actions: [{ role: 'button', name: 'Email me a reset link' }] },
    { path: '/reset-password/e2e-no-such-reset-token-000000', heading: 'Choose a new password' },
    { path: '/invite/e2e-no-such-invitation', heading: 'Invitation unavailable' },
    { path: '/no-such-page', heading: 'Page not found' },
  ]);

  // The system says dark; the reader picks light, then dark while the system says light.
  await page.goto('/signin');
  const theme = page.getByLabel('Theme');
  await expect(theme).toHaveValue('system');
  await theme.selectOption('light');
  await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(page.getByLabel('Theme')).toHaveValue('light');
  await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(page.getByLabel('Theme')).toHaveValue('dark');
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await snap(page, info, 'theme-toggle-dark-over-light-system');
  // Back to the system setting: light again, and nothing stored.
  await page.getByLabel('Theme').selectOption('system');
  await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
  expect(await page.evaluate((key) => localStorage.getItem(key), THEME_STORAGE_KEY)).toBeNull();
});

test('the tenant owner’s pages on a phone and in dark mode', async ({ page, request }, info) => {
  await signIn(page, DEMO.owner);
  // A key of the demo tenant's own, one exchange and one refusal: charts, receipts and the request log have rows.
  const secret = await createKeyInPortal(page, 'theme e2e');
  const headers = (n: number) => ({ 'X-SIGNET-API-Key': secret, 'X-SIGNET-Idempotency-Key': `theme-${Date.now()}-${n}` });
  const ok = await request.post('/v1/exchange', { headers: headers(1), data: { payload_type: example.payload_type, target_type: example.target_type, payload: example.payload } });
  expect(ok.status(), await ok.text()).toBe(200);
  const traceId = ((await ok.json()) as { trace_id: string }).trace_id;
  const refused = await request.post('/v1/exchange', { headers: headers(2), data: { payload_type: 'no.such.type', target_type: example.target_type, payload: {} } });
  expect(refused.status()).toBeGreaterThanOrEqual(400);

  // The toggle in the app shell: dark chosen over a light system, kept across a reload.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/dashboard');
  await page.getByLabel('Theme').selectOption('dark');
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await page.getByLabel('Theme').selectOption('system');
  await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);

  await visitAll(page, info, 'owner', [
    { path: '/dashboard', heading: 'Overview' },
    { path: '/dashboard/keys', heading: 'API keys', actions: [{ role: 'button', name: 'Create key' }, { role: 'button', name: /^Rotate / }, { role: 'button', name: /^Revoke / }] },
    { path: '/dashboard/allowlist', heading: 'Egress allowlist' },
    { path: '/dashboard/fallback', heading: 'LLM fallback' },
    { path: '/dashboard/requests', heading: 'Request log' },
    { path: '/dashboard/receipts', heading: 'Receipts', actions: [{ role: 'link', name: traceId }] },
    { path: `/dashboard/receipts/${encodeURIComponent(traceId)}`, heading: 'Receipt chain', shot: 'dashboard-receipts-trace' },
    { path: '/dashboard/receipts/e2e-no-such-trace', heading: 'Trace not found' },
    { path: '/dashboard/billing', heading: 'Plans & billing' },
    { path: '/dashboard/billing/verify', heading: 'Verify my bill' },
    { path: '/dashboard/team', heading: 'Team', actions: [{ role: 'button', name: 'Add', exact: true }] },
    { path: '/admin', heading: "You can't open this page" },
  ]);
  await phoneMenu(page, info, 'owner', '/dashboard', ['Demo Company']);

  // On a phone the section navigation is a row wider than the screen: faded where more links lie.
  await page.setViewportSize(PHONE);
  await page.goto('/dashboard');
  const sections = page.getByRole('navigation', { name: 'Section' }).getByRole('list');
  await expect(sections).toHaveAttribute('data-scroll-fade', 'end');
  await sections.evaluate((ul) => ul.scrollTo({ left: ul.scrollWidth }));
  await expect(sections).toHaveAttribute('data-scroll-fade', 'start');
  await page.setViewportSize(DESKTOP);
  await expect(sections).toHaveAttribute('data-scroll-fade', 'none');
  // Only the most specific link is current (not Plans & billing as well).
  await page.goto('/dashboard/billing/verify');
  await expect(page.getByRole('navigation', { name: 'Section' }).locator('[aria-current="page"]')).toHaveText(['Verify my bill']);
});

test('the admin’s pages on a phone and in dark mode', async ({ page }, info) => {
  await signIn(page, DEMO.admin);
  await visitAll(page, info, 'admin', [
    { path: '/admin', heading: 'Tenants', actions: [{ role: 'link', name: 'Demo Company' }] },
    { path: '/admin/tenants/demo', heading: 'Demo Company' },
    { path: '/admin/tenants/demo/usage', heading: 'Usage statements' },
    { path: '/admin/kpis', heading: 'KPIs' },
    { path: '/admin/reserved', heading: 'Reserved capacity' },
    { path: '/admin/plans', heading: 'Plans & default tiers' },
    { path: '/admin/allowlist', heading: 'Global forward allowlist', actions: [{ role: 'button', name: 'Add entry' }] },
    { path: '/admin/keys', heading: 'Signing keys', actions: [{ role: 'button', name: 'Rotate signing key' }] },
    { path: '/admin/audit', heading: 'Audit log' },
  ]);
  await phoneMenu(page, info, 'admin', '/admin', ['Admin', 'Auditor']);
});

test('the auditor’s page on a phone and in dark mode', async ({ page }, info) => {
  await signIn(page, DEMO.auditor);
  await visitAll(page, info, 'auditor', [{ path: '/auditor', heading: 'Verify receipts', actions: [{ role: 'button', name: 'Verify in this browser' }] }]);
  await phoneMenu(page, info, 'auditor', '/auditor', ['Auditor']);
});
