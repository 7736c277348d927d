// Journeys through emailed links: the e2e server mails through SP_SMTP_URL (playwright.config.ts)
// to the real SMTP server this spec starts, and each journey opens the link from the message.
import type { Page } from '@playwright/test';
import { startSmtpServer } from '../tests/support/smtp';
import { DEMO, E2E_SMTP_PORT, expect, signIn, signOut, snap, test } from './support';

test.describe.configure({ mode: 'serial' });

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
test.beforeAll(async () => {
  smtp = await startSmtpServer(E2E_SMTP_PORT);
});
test.afterAll(async () => {
  await smtp?.close();
});

const teammate = `teammate-${Date.now()}@example.com`;
const NEW_PASSWORD = 'a-brand-new-password';

/** The one link of the message to `to` whose subject is `subject`, as a path of this server. */
async function emailedPath(to: string, subject: string, count: number): Promise<string> {
  const mail = (await smtp.waitFor(to, count)).find((m) => m.subject === subject);
  expect(mail, `an email "${subject}" to ${to}`).toBeDefined();
  expect(mail!.from).toBe('signet@e2e.test');
  expect(mail!.links).toHaveLength(1);
  return new URL(mail!.links[0]!).pathname;
}

/** The dashboard with its panels loaded, for a screenshot of what a member sees. */
async function dashboardLoaded(page: Page) {
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText('you are a member')).toBeVisible();
  await expect(page.getByText(/^(Loading|Rating) /)).toHaveCount(0);
}

test('an owner invites a teammate by email, and the teammate joins through the emailed link', async ({ page }, info) => {
  await signIn(page, DEMO.owner);
  await page.goto('/dashboard/team');
  // An invalid address is named under Email; a refusal about the person (already a member) above the form.
  await page.getByLabel('Email').fill('not-an-address');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByLabel('Email')).toHaveAccessibleDescription(/Enter a valid email address/);
  await page.getByLabel('Email').fill(DEMO.owner);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: `${DEMO.owner} is already a member of this tenant.` })).toBeVisible();
  await expect(page.getByLabel('Email')).not.toHaveAccessibleDescription(/already a member/);
  await page.getByLabel('Email').fill(teammate);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByText(`Invitation emailed to ${teammate}. The link in it works for 7 days.`)).toBeVisible();
  // Emailed, so the link is not shown to the owner.
  await expect(page.getByLabel('Invitation link')).toHaveCount(0);
  await snap(page, info, 'email-invitation-sent');
  await signOut(page);

  const invitation = await emailedPath(teammate, `${DEMO.owner} invited you to Demo Company on Signet`, 1);
  expect(invitation).toMatch(/^\/invite\/[A-Za-z0-9_-]{40,}$/);
  await page.goto(invitation);
  await expect(page.getByRole('heading', { name: 'Join Demo Company on Signet' })).toBeVisible();
  await page.getByLabel('Your name').fill('Tess Teammate');
  await page.getByLabel('Password').fill('teammate-password-1');
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await dashboardLoaded(page);
  await snap(page, info, 'email-invitation-joined');
  await signOut(page);
});

test('"Forgot password?" emails a link that sets a new password, which then signs in', async ({ page }, info) => {
  await page.goto('/signin');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await page.getByLabel('Email').fill(teammate);
  await page.getByRole('button', { name: 'Email me a reset link' }).click();
  await expect(page.getByText('an email with a reset link is on its way')).toBeVisible();
  await snap(page, info, 'email-reset-requested');

  const reset = await emailedPath(teammate, 'Reset your Signet password', 2);
  expect(reset).toMatch(/^\/reset-password\/[A-Za-z0-9_-]{40,}$/);
  await page.goto(reset);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  // Too short: the error is tied to the field, next to its hint.
  const password = page.getByLabel('New password');
  await password.fill('short');
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(password).toHaveAccessibleDescription('At least 10 characters. Password must be at least 10 characters');
  await snap(page, info, 'email-reset-too-short');
  await password.fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await signOut(page);

  // The link worked once; the old password no longer signs in, the new one does.
  await page.goto(reset);
  await expect(page.getByText('This reset link has expired or was already used.')).toBeVisible();
  await page.goto('/signin');
  await page.getByLabel('Email').fill(teammate);
  await page.getByLabel('Password').fill('teammate-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong email or password.' })).toBeVisible();
  await signIn(page, teammate, NEW_PASSWORD);
  await dashboardLoaded(page);
  await snap(page, info, 'email-reset-signed-in');
});
