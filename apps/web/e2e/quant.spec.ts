import { expect, test } from '@playwright/test';
import { signIn } from './fixtures/sign-in';

const outputDir = process.env.E2E_OUTPUT_DIR ?? 'test-results';

test('the risk page shows HRP weights, the correlation heatmap and VaR for the imported universe', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/risk');

  const weights = page.getByTestId('hrp-weights');
  await expect(weights).toBeVisible({ timeout: 30_000 });
  const count = Number(await weights.getAttribute('data-count'));
  expect(count).toBeGreaterThanOrEqual(20);
  await expect(page.locator('[data-testid^="hrp-weight-"]')).toHaveCount(count);

  const heatmap = page.getByTestId('correlation-heatmap');
  await expect(heatmap).toBeVisible();
  await expect(heatmap).toHaveAttribute('data-size', String(count));
  await expect(page.getByTestId('dendrogram')).toBeVisible();

  const varTable = page.getByTestId('var-table');
  await expect(varTable).toBeVisible();
  await expect(varTable.locator('tbody tr')).toHaveCount(2);
  await expect(varTable).toContainText('95%');
  await expect(varTable).toContainText('99%');
  await expect(page.getByTestId('limit-status')).toBeVisible();

  await page.screenshot({ path: `${outputDir}/risk.png`, fullPage: true });
});

test('the regimes page for SPY shows the fitted model, the probabilities and the transitions', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page);
  await page.goto('/regimes?symbol=SPY');

  const chart = page.getByTestId('regime-chart');
  const fit = page.getByTestId('fit-regime-button');
  await expect(chart.or(fit)).toBeVisible({ timeout: 30_000 });
  if (await fit.isVisible()) {
    // No model for SPY yet: fit one on the workers; the page polls until it appears.
    await fit.click();
    await expect(chart).toBeVisible({ timeout: 90_000 });
  }

  // SPY has 6,765 daily bars; the filter starts after the 20-day volatility window.
  await expect(chart).toHaveAttribute('data-points', /^\d+$/, { timeout: 30_000 });
  expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(6000);
  await expect(chart.locator('canvas').first()).toBeVisible();

  const model = page.getByTestId('regime-model');
  for (const label of ['bull', 'bear', 'sideways']) {
    await expect(model.getByTestId(`regime-state-${label}`)).toBeVisible();
  }
  await expect(page.getByTestId('regime-disruption')).toContainText('%');
  expect(await page.getByTestId('regime-transitions').locator('tbody tr').count()).toBeGreaterThan(0);

  await page.screenshot({ path: `${outputDir}/regimes-spy.png`, fullPage: true });
});
