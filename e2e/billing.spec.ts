import { DEMO, expect, signIn, signOut, snap, test } from './support';

test.describe.configure({ mode: 'serial' });

test('the demo owner chooses a plan with the local provider and sees it active', async ({ page }, info) => {
  await signIn(page, DEMO.owner);
  await page.goto('/dashboard/billing');
  await expect(page.getByRole('heading', { name: 'Plans & billing' })).toBeVisible();
  await expect(page.getByText('Test mode — no card charged').first()).toBeVisible();
  await expect(page.getByTestId('current-plan')).toHaveText('Starter');
  await snap(page, info, 'billing-starter');

  await expect(page.getByTestId('tier-ranges')).toContainText('Overage per VEx: first 50,000 at $0.005, then $0.008 each');
  await expect(page.getByTestId('tier-ranges')).toContainText('Overage per FU token: first 250,000 at $0.001, then $0.0008 each');

  // An upgrade is confirmed with its price: the difference, prorated now, effective at once.
  await page.getByRole('button', { name: 'Change to Professional' }).click();
  const confirm = page.getByTestId('confirm-change');
  await expect(confirm.getByRole('heading', { name: 'Upgrade from Starter to Professional?' })).toBeVisible();
  await expect(confirm).toContainText('$499.00 → $1,999.00 (+$1,500.00 a month)');
  await expect(confirm.getByTestId('due-now')).toContainText(/\$[\d,]+\.\d{2}the difference prorated for the \d+ (days? \d+ h|h \d+ min) left of this period/);
  // No STRIPE_SECRET_KEY in the journeys: the page says the local provider priced it.
  await expect(confirm.getByTestId('pricing-source')).toHaveText('Computed by Signet (local billing, no Stripe)');
  await expect(confirm.getByTestId('takes-effect')).toHaveText('Immediately');
  await expect(page.getByTestId('current-plan')).toHaveText('Starter');
  await snap(page, info, 'billing-confirm-upgrade');
  await confirm.getByRole('button', { name: 'Confirm: change now' }).click();
  await expect(page.getByText('Professional is now active (test mode — no card charged).')).toBeVisible();
  await expect(page.getByTestId('current-plan')).toHaveText('Professional');
  await expect(page.getByTestId('subscription-status')).toHaveText('active');
  await expect(page.getByTestId('plan-professional').getByText('Current plan').first()).toBeVisible();
  await expect(page.getByTestId('projected-total')).toHaveText('$1,999.00');
  await snap(page, info, 'billing-professional-active');

  // A downgrade waits for the end of the period, and can be taken back.
  await page.getByRole('button', { name: 'Change to Starter' }).click();
  await expect(confirm.getByRole('heading', { name: 'Downgrade from Professional to Starter?' })).toBeVisible();
  await expect(confirm.getByTestId('due-now')).toContainText('$0.00nothing: you keep the current plan until the period ends');
  await expect(confirm.getByTestId('takes-effect')).toContainText('At the end of this period');
  await snap(page, info, 'billing-confirm-downgrade');
  await confirm.getByRole('button', { name: /^Confirm: switch on / }).click();
  await expect(page.getByText('Starter is scheduled: it replaces Professional at the end of this period.')).toBeVisible();
  await expect(page.getByTestId('scheduled-change')).toContainText('Switching to Starter at the end of this period');
  await expect(page.getByTestId('current-plan')).toHaveText('Professional');
  await page.getByRole('button', { name: 'Keep the current plan' }).click();
  await expect(page.getByTestId('scheduled-change')).toHaveCount(0);

  await page.setViewportSize({ width: 375, height: 800 });
  await snap(page, info, 'billing-mobile');
  await signOut(page);
});

test("an admin edits the demo tenant's reserved capacity and the owner's billing page reflects it", async ({ page }, info) => {
  await signIn(page, DEMO.admin);
  await page.goto('/admin/plans');
  await expect(page.getByRole('heading', { name: 'Plans & default tiers' })).toBeVisible();
  await expect(page.getByLabel('Tier 2: price per unit (USD)').first()).toHaveValue('0.008');
  await snap(page, info, 'admin-plans');

  await page.goto('/admin/reserved');
  await page.getByLabel('Tenant').selectOption('demo');
  await expect(page.getByText('Demo Company has no reserved capacity yet')).toBeVisible();
  await page.getByLabel('VEx reserved per period').fill('250000');
  await page.getByLabel('FU tokens reserved per period').fill('1000000');
  const vex = page.getByRole('group', { name: 'VEx overage tiers' });
  await vex.getByLabel('Tier 1: up to (VEx)').fill('100000');
  await vex.getByLabel('Tier 1: price per unit (USD)').fill('0.004');
  await vex.getByRole('button', { name: 'Add tier' }).click();
  await vex.getByLabel('Tier 2: up to (VEx)').fill('50000');
  await vex.getByLabel('Tier 2: price per unit (USD)').fill('0');
  const fu = page.getByRole('group', { name: 'FU overage tiers' });
  await fu.getByLabel('Tier 1: up to (FU tokens)').fill('500000');
  await fu.getByLabel('Tier 1: price per unit (USD)').fill('0.0008');
  await page.getByRole('button', { name: 'Save reserved capacity' }).click();
  await expect(vex.getByText('Tier 2: thresholds must increase from tier to tier; price must be a positive number of dollars, e.g. 0.005')).toBeVisible();
  await snap(page, info, 'admin-reserved-validation');

  await vex.getByLabel('Tier 2: up to (VEx)').fill('500000');
  await vex.getByLabel('Tier 2: price per unit (USD)').fill('0.006');
  await vex.getByLabel('Tier 2: Stripe item (optional)').fill('price_signet_vex_tier2_008');
  await page.getByRole('button', { name: 'Save reserved capacity' }).click();
  await expect(page.getByText("Saved. The tenant's billing now uses this reserved capacity.")).toBeVisible();
  await expect(page.getByText('Reserved capacity of Demo Company')).toBeVisible();
  await snap(page, info, 'admin-reserved-saved');
  await signOut(page);

  await signIn(page, DEMO.owner);
  await page.goto('/dashboard/billing');
  await expect(page.getByTestId('reserved-summary')).toHaveText(/Reserved capacity: 250,000 VEx and 1,000,000 FU tokens/);
  await expect(page.getByText('250,000 reserved · 0 billable')).toBeVisible();
  await snap(page, info, 'billing-reserved');
});
