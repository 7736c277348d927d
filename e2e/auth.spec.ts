import { expect, test } from '@playwright/test';
import { DEMO, signIn, signOut, snap } from './support';

test('sign-up creates a tenant and lands its owner on the dashboard', async ({ page }, info) => {
  await page.goto('/signup');
  await snap(page, info, 'signup');
  const email = `owner-${Date.now()}@example.com`;
  await page.getByLabel('Your name').fill('Olive Owner');
  await page.getByLabel('Company').fill('Acme Robotics');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill('correct-horse-battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByText('Acme Robotics').first()).toBeVisible();
  // A new tenant's month: the usage card loads, with no plan yet.
  await expect(page.getByText(/^Usage in .+ \(UTC\)$/)).toBeVisible();
  await expect(page.getByText('No plan yet: every unit counts as overage.')).toBeVisible();
  await expect(page.getByText('0 VEx (no limit)')).toBeVisible();
  await snap(page, info, 'dashboard-overview');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/signin/);
});

test('a wrong password is refused with a clear message', async ({ page }, info) => {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(DEMO.owner);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong email' })).toHaveText('Wrong email or password.');
  await snap(page, info, 'signin-wrong-password');
});

test('each role lands on its own area and cannot open the others', async ({ page }, info) => {
  await signIn(page, DEMO.owner);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/auditor');
  await expect(page).toHaveURL(/\/dashboard$/);
  await signOut(page);

  await signIn(page, DEMO.admin);
  await expect(page).toHaveURL(/\/admin$/);
  await snap(page, info, 'admin-home');
  await signOut(page);

  await signIn(page, DEMO.auditor);
  await expect(page).toHaveURL(/\/auditor$/);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/auditor$/);
  await snap(page, info, 'auditor-home');
});
