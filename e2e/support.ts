// Shared e2e helpers: demo credentials, sign-in, and screenshots saved as test artifacts.
import { expect, type Page, type TestInfo } from '@playwright/test';

export const DEMO_PASSWORD = process.env.SIGNET_DEMO_PASSWORD ?? 'e2e-demo-password';
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

/** Full-page screenshot attached to the report and kept under test-results/screenshots. */
export async function snap(page: Page, info: TestInfo, name: string) {
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
}
