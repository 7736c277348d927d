import { execFileSync } from 'node:child_process';
import type { APIRequestContext } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, expect, signIn, signOut, snap, test } from './support';

test('a new tenant goes from sign-up to a first verified receipt by following the getting-started checklist', async ({ page }, info) => {
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
  // A new tenant's month: nothing used, no plan, and a checklist saying what to do.
  await expect(page.getByText(/^Usage in .+ \(UTC\)$/)).toBeVisible();
  await expect(page.getByTestId('no-plan')).toContainText('No plan yet: every unit counts as overage.');
  await expect(page.getByText('0 VEx (no limit)')).toBeVisible();
  await expect(page.getByText('No usage yet')).toHaveCount(2);
  const checklist = page.getByRole('list', { name: 'Getting started' });
  await expect(page.getByText('Getting started: 0 of 5 done')).toBeVisible();
  await snap(page, info, 'dashboard-overview-new-tenant');

  // 1. The checklist's link to API keys; the new key comes with a snippet to run.
  await checklist.getByRole('link', { name: 'API keys' }).first().click();
  await page.getByLabel('Name').fill('first key');
  await page.getByRole('button', { name: 'Create key' }).click();
  const curl = (await page.getByTestId('snippet-code').textContent())!;
  // 2. Run the snippet exactly as shown.
  const answer = JSON.parse(execFileSync('bash', ['-c', curl], { encoding: 'utf8' })) as { trace_id: string; receipt: { receipt_hash: string } };
  expect(answer.receipt.receipt_hash).toMatch(/^sha256:/);
  await page.getByRole('button', { name: "I've saved it" }).click();

  await page.getByRole('navigation', { name: 'Section' }).getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByText('Getting started: 2 of 5 done')).toBeVisible();
  await expect(page.getByText('No usage yet')).toHaveCount(1);
  await snap(page, info, 'dashboard-overview-first-exchange');
  // 3 and 4. Open the receipt; it verifies in the browser.
  await checklist.getByRole('link', { name: 'Open the receipt of your first exchange' }).click();
  await expect(page.getByRole('heading', { name: 'Receipt chain' })).toBeVisible();
  await expect(page.getByText(answer.trace_id).first()).toBeVisible();
  await expect(page.getByText('Verified in your browser')).toBeVisible();
  await page.getByRole('navigation', { name: 'Section' }).getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByText('Getting started: 4 of 5 done')).toBeVisible();
  // 5. Choose a plan.
  await checklist.getByRole('link', { name: 'Compare plans' }).click();
  await page.getByRole('button', { name: 'Choose Starter' }).click();
  await expect(page.getByTestId('confirm-change')).toContainText('the first month, in full');
  await page.getByRole('button', { name: 'Confirm: start now' }).click();
  // The message comes with the plan buttons' re-enabling; the plan's name can be shown before it.
  await expect(page.getByText('Starter is now active (test mode — no card charged).')).toBeVisible();
  await expect(page.getByTestId('current-plan')).toHaveText('Starter');
  await expect(page.getByTestId('usage-history-chart')).toBeVisible();
  await snap(page, info, 'billing-new-tenant');
  await page.getByRole('navigation', { name: 'Section' }).getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByRole('progressbar', { name: 'Verified exchanges (VEx)' })).toHaveAttribute('aria-valuetext', '1 of 10,000 VEx included');
  await expect(page.getByText(/^Getting started/)).toHaveCount(0);

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

test('each role lands on its own area, gets a 403 page elsewhere, and sign-in returns to the page asked for', async ({ page }, info) => {
  // Signed out: a deep link goes through sign-in and back to where it pointed.
  await page.goto('/dashboard/billing?checkout=canceled');
  await expect(page).toHaveURL(/\/signin\?next=%2Fdashboard%2Fbilling%3Fcheckout%3Dcanceled$/);
  await page.getByLabel('Email').fill(DEMO.owner);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard\/billing\?checkout=canceled$/);
  await expect(page.getByRole('heading', { name: 'Plans & billing' })).toBeVisible();

  const admin = await page.goto('/admin');
  expect(admin?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: "You can't open this page" })).toBeVisible();
  await snap(page, info, 'forbidden');
  expect((await page.goto('/auditor'))?.status()).toBe(403);
  const missing = await page.goto('/dashboard/no-such-page');
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await snap(page, info, 'not-found');
  // Only this site's paths are returned to.
  await page.goto('/dashboard');
  await signOut(page);
  await page.goto('/signin?next=//evil.example/');
  await page.getByLabel('Email').fill(DEMO.owner);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await signOut(page);

  await signIn(page, DEMO.admin);
  await expect(page).toHaveURL(/\/admin$/);
  await snap(page, info, 'admin-home');
  await signOut(page);

  await signIn(page, DEMO.auditor);
  await expect(page).toHaveURL(/\/auditor$/);
  expect((await page.goto('/admin'))?.status()).toBe(403);
  await page.goto('/auditor');
  await snap(page, info, 'auditor-home');
});

/** One failed sign-in through next-auth's own endpoint; answers next-auth's error code. */
async function failSignIn(request: APIRequestContext, email: string): Promise<string | null> {
  const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const res = await request.post('/api/auth/callback/credentials', { form: { csrfToken, email, password: 'not-the-password', json: 'true' } });
  return new URL(((await res.json()) as { url: string }).url).searchParams.get('error');
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.describe('sign-in throttling', () => {
  // This spec's own client address (the e2e server trusts X-Forwarded-For), so its failures
  // do not delay the other specs.
  test.use({ extraHTTPHeaders: { 'X-Forwarded-For': '203.0.113.71' } });

  test('after repeated failures the form shows how long to wait, and refuses until then', async ({ page }, info) => {
    const email = `throttled-${Date.now()}@example.com`;
    for (let i = 0; i < 5; i++) expect(await failSignIn(page.request, email)).toBe('CredentialsSignin');
    await pause(1100); // the 5th failure asks for 1 s, the 6th for 2 s, the 7th for 4 s
    expect(await failSignIn(page.request, email)).toBe('CredentialsSignin');
    await pause(2100);
    await page.goto('/signin');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('still-not-the-password');
    expect(await failSignIn(page.request, email)).toBe('CredentialsSignin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Too many attempts' });
    await expect(notice).toContainText(/Too many failed sign-ins for this account\. Wait [1-4] seconds? before trying again\./);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeDisabled();
    await snap(page, info, 'signin-throttled');
    await expect(notice).toBeHidden({ timeout: 6000 });
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  test("the form shows the server's lockout answer plainly", async ({ page }, info) => {
    // The lockout itself (20 failures, 15 minutes) is proven in tests/integration/portal-throttle.test.ts;
    // reaching it here would take ~9 minutes of growing delays.
    await page.route('**/api/auth/callback/credentials', (route) =>
      route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ url: 'http://localhost/api/auth/error?error=Throttled%3Aaccount%3Alocked%3A900' }) }),
    );
    await page.goto('/signin');
    await page.getByLabel('Email').fill(DEMO.owner);
    await page.getByLabel('Password').fill('whatever-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Temporarily locked' })).toContainText(
      'Sign-in is locked: too many failed sign-ins for this account. Try again in 15 minutes.',
    );
    await snap(page, info, 'signin-locked');
  });
});

test.describe('sign-up throttling', () => {
  test.use({ extraHTTPHeaders: { 'X-Forwarded-For': '203.0.113.72' } });

  async function signUpByApi(request: APIRequestContext, n: number) {
    const res = await request.post('/api/trpc/account.signUp?batch=1', {
      data: { 0: { json: { name: 'Spammer', company: `Spam ${n}`, email: `spam-${Date.now()}-${n}@example.com`, password: 'long-enough-password' } } },
    });
    expect(res.status(), await res.text()).toBe(200);
  }

  test('sign-ups from one address are counted, and the form says how long to wait', async ({ page }, info) => {
    for (let i = 0; i < 5; i++) await signUpByApi(page.request, i);
    await pause(1100);
    await signUpByApi(page.request, 5);
    await pause(2100);
    await page.goto('/signup');
    await page.getByLabel('Your name').fill('Olive Owner');
    await page.getByLabel('Company').fill('Acme Robotics');
    await page.getByLabel('Work email').fill(`owner-${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('correct-horse-battery');
    await signUpByApi(page.request, 6);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Too many attempts' })).toContainText(
      /Too many sign-up attempts from your network\. Wait [1-4] seconds? before trying again\./,
    );
    await expect(page.getByRole('button', { name: 'Create account' })).toBeDisabled();
    await expect(page).toHaveURL(/\/signup$/);
    await snap(page, info, 'signup-throttled');
  });
});
