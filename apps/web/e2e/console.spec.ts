import { expect, test } from '@playwright/test';

const adminEmail = process.env.E2E_ADMIN_EMAIL ?? 'admin@tradeplane.local';
const adminPassword = process.env.E2E_ADMIN_PASSWORD ?? '';

test('a wrong password is refused with a message and no session', async ({ page }) => {
  await page.goto('/login');
  await page.fill('#email', adminEmail);
  await page.fill('#password', 'not-the-password');
  await page.click('button:has-text("Sign in")');
  await expect(page.getByText('wrong email or password')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test('signing in shows the instruments and the SPY chart with real bars and features', async ({ page }) => {
  await page.goto('/data');
  await expect(page).toHaveURL(/\/login/); // not signed in yet
  await page.fill('#email', adminEmail);
  await page.fill('#password', adminPassword);
  await page.click('button:has-text("Sign in")');
  await expect(page).toHaveURL(/\/data/);

  const table = page.getByTestId('instruments-table');
  await expect(table).toBeVisible();
  await page.getByTestId('instrument-row-SPY').click();

  const chart = page.getByTestId('price-chart');
  await expect(chart).toHaveAttribute('data-symbol', 'SPY');
  // SPY daily 1993-01-29 .. 2018-04-11 is 6,765 bars: the chart must hold all of them.
  await expect(chart).toHaveAttribute('data-bars', '6765', { timeout: 30_000 });
  await expect(chart.locator('canvas').first()).toBeVisible();

  const panel = page.getByTestId('feature-panel');
  await expect(panel).toContainText('rsi14');
  await expect(panel).toContainText('2019-12-09');
  await page.screenshot({
    path: `${process.env.E2E_OUTPUT_DIR ?? 'test-results'}/data-spy.png`,
    fullPage: true,
  });
});

test('sections that are not built yet say so plainly', async ({ page }) => {
  await page.goto('/login');
  await page.fill('#email', adminEmail);
  await page.fill('#password', adminPassword);
  await page.click('button:has-text("Sign in")');
  await expect(page).toHaveURL(/\/data/);
  await page.goto('/live');
  await expect(page.getByText(/not built yet/i)).toBeVisible();
});
