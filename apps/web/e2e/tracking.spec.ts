import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { SeedSummary } from './fixtures/seed-tracking';
import { signIn } from './fixtures/sign-in';

// Experiments, runs, compare and the model registry, on runs the tracking client logged from
// walk-forward backtests of SPY (fixtures/seed-tracking.ts, run once before these tests).

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const outputDir = process.env.E2E_OUTPUT_DIR ?? 'test-results';

function fixture(...args: string[]): unknown {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'apps/web/e2e/fixtures/seed-tracking.ts', ...args],
    { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 120_000 },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

/** A metric chart's drawn points, or (`data-last-step`) the highest step on its axis. */
async function chartNumber(page: Page, key: string, attribute = 'data-points'): Promise<number> {
  const chart = page.locator(`[data-testid="metric-chart"][data-key="${key}"]`).first();
  await expect(chart).toHaveAttribute(attribute, /^\d+$/);
  return Number(await chart.getAttribute(attribute));
}

test.describe.configure({ mode: 'serial' });

let seed: SeedSummary;
const stagingReason = 'walk-forward Sharpe holds across every test window';
const productionReason = 'signed off after the staging review';

test.beforeAll(() => {
  test.setTimeout(180_000);
  seed = fixture() as SeedSummary;
});

test('a quant finds the experiment, filters runs by a metric and sorts by it', async ({ page }) => {
  await signIn(page, seed.users.quant);
  await page.goto('/experiments');
  await page.getByLabel('Search by name').fill(seed.experiment);
  const row = page.getByTestId(`experiment-row-${seed.experiment}`);
  await expect(row).toBeVisible();
  await expect(row.locator('td.num')).toHaveText('4'); // the sweep parent and its three backtests
  await row.getByRole('link', { name: seed.experiment }).click();

  const runs = page.getByTestId('run-row');
  await expect(runs).toHaveCount(4);

  // A threshold between the two weakest Sharpe ratios keeps exactly the runs above it.
  const bySharpe = [...seed.runs].sort((a, b) => a.sharpe - b.sharpe);
  expect(bySharpe[1]!.sharpe - bySharpe[0]!.sharpe).toBeGreaterThan(1e-3);
  const threshold = ((bySharpe[0]!.sharpe + bySharpe[1]!.sharpe) / 2).toFixed(4);
  await page.getByLabel('Metrics', { exact: true }).fill(`sharpe > ${threshold}`);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(runs).toHaveCount(seed.runs.length - 1);
  await expect(page.locator(`[data-run-name="${bySharpe[0]!.name}"]`)).toHaveCount(0);
  for (const r of bySharpe.slice(1)) await expect(page.locator(`[data-run-name="${r.name}"]`)).toBeVisible();

  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  await expect(runs).toHaveCount(4);
  await page.getByRole('button', { name: 'sharpe', exact: true }).click(); // best first
  await expect(runs.first()).toHaveAttribute('data-run-name', bySharpe.at(-1)!.name);
  await page.screenshot({ path: `${outputDir}/experiments.png`, fullPage: true });
});

test('a quant compares two runs: params diff, metrics side by side, overlaid charts', async ({ page }) => {
  const [a, b] = seed.runs;
  await signIn(page, seed.users.quant);
  await page.goto('/experiments');
  await page.getByLabel('Search by name').fill(seed.experiment);
  await page.getByRole('link', { name: seed.experiment }).click();
  await page.getByLabel(`Select ${a!.name} for comparison`).check();
  await page.getByLabel(`Select ${b!.name} for comparison`).check();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page).toHaveURL(/\/experiments\/compare\?runs=/);

  const diff = page.getByTestId('params-diff');
  const rowOf = (key: string) =>
    diff.locator('tbody tr').filter({ has: page.locator(`td:first-child:text-is("${key}")`) });
  await expect(rowOf('fast')).toHaveAttribute('data-differs', 'true');
  await expect(rowOf('slow')).toHaveAttribute('data-differs', 'true');
  await expect(rowOf('cost_bps')).toHaveAttribute('data-differs', 'false');
  await page.getByLabel('Only differences').check();
  await expect(rowOf('cost_bps')).toHaveCount(0);
  await expect(rowOf('fast')).toContainText(String(a!.fast));

  await expect(page.getByTestId('metrics-compare').locator('[data-metric="sharpe"]')).toBeVisible();
  const equity = page.locator('[data-testid="metric-chart"][data-key="equity"]');
  await expect(equity).toHaveAttribute('data-series', '2');
  expect(await chartNumber(page, 'equity')).toBeGreaterThan(500);
  await expect(equity.locator('canvas').first()).toBeVisible();
  await page.screenshot({ path: `${outputDir}/compare.png`, fullPage: true });
});

test('a quant charts a run, overlays a sibling, registers a version and moves it to staging only', async ({
  page,
}) => {
  const best = [...seed.runs].sort((x, y) => y.sharpe - x.sharpe)[0]!;
  const other = seed.runs.find((r) => r.id !== best.id)!;
  await signIn(page, seed.users.quant);
  await page.goto(`/experiments/runs/${best.id}`);

  const header = page.getByTestId('run-header');
  await expect(header).toContainText(best.name);
  await expect(header.getByRole('heading').getByTestId('run-status')).toHaveText('finished');
  await expect(header.getByRole('link', { name: seed.parent.name })).toBeVisible(); // lineage
  expect(await chartNumber(page, 'equity')).toBeGreaterThan(500);
  await expect(page.locator('[data-testid="metric-chart"][data-key="equity"] canvas').first()).toBeVisible();
  await expect(page.getByTestId('run-latest-metrics')).toContainText('sharpe');
  await expect(page.getByTestId('run-params')).toContainText('slow');
  await expect(page.getByTestId('run-artifacts')).toContainText(seed.artifactPath);

  await page.getByText('Overlay runs').click();
  await page.getByRole('group', { name: 'Runs to overlay' }).getByLabel(other.name).check();
  await expect(page.locator('[data-testid="metric-chart"][data-key="equity"]')).toHaveAttribute(
    'data-series',
    '2',
  );
  await page.getByText('Overlay runs').click(); // close the picker
  await page.screenshot({ path: `${outputDir}/run.png`, fullPage: true });

  // The form names what is wrong before asking the gateway.
  const form = page.getByRole('form', { name: 'Register model version' });
  await form.getByLabel('Model name').fill('not a name!');
  await form.getByRole('button', { name: 'Register version' }).click();
  await expect(form.getByRole('alert')).toContainText('letters, digits');
  await form.getByLabel('Model name').fill(seed.modelName);
  await expect(form.getByLabel('Artifact', { exact: true })).toHaveValue(seed.artifactPath);
  await form.getByLabel('Description').fill(`${best.name} walk-forward on SPY`);
  await form.getByRole('button', { name: 'Register version' }).click();
  await expect(form.getByRole('status')).toContainText(`${seed.modelName} v1`);
  await expect(page.getByTestId('run-model-versions').locator('tbody')).toContainText(seed.modelName);

  await form.getByRole('link', { name: `${seed.modelName} v1` }).click();
  await expect(page).toHaveURL(/\/models\?model=/);
  const detail = page.getByTestId('version-detail');
  await expect(detail.getByTestId('stage-chip').first()).toHaveText('none');
  await expect(detail.getByRole('link', { name: new RegExp(best.name) })).toBeVisible(); // lineage back to the run

  // A quant may stage, shadow or archive; canary and production are not offered at all.
  await expect(detail.getByRole('button', { name: 'Move to production' })).toHaveCount(0);
  await expect(detail.getByRole('button', { name: 'Move to canary' })).toHaveCount(0);
  await detail.getByRole('button', { name: 'Move to staging' }).click();
  await expect(detail.getByRole('alert')).toContainText('Give a reason');
  await detail.getByLabel('Reason').fill(stagingReason);
  await detail.getByRole('button', { name: 'Move to staging' }).click();
  await expect(detail.getByRole('status')).toContainText('Moved v1 to staging');
  await expect(detail.getByTestId('stage-chip').first()).toHaveText('staging');
  await expect(page.getByTestId(`model-row-${seed.modelName}`).locator('[data-stage="staging"]')).toHaveText(
    'v1',
  );
  await expect(detail.getByRole('button', { name: 'Move to production' })).toHaveCount(0);
  await page.screenshot({ path: `${outputDir}/models-quant.png`, fullPage: true });
});

test('a pm moves the version to production and the stage history names actor and reason', async ({
  page,
}) => {
  await signIn(page, seed.users.pm);
  await page.goto(`/models?${new URLSearchParams({ model: seed.modelName, version: '1' }).toString()}`);
  const detail = page.getByTestId('version-detail');
  await expect(detail.getByTestId('stage-chip').first()).toHaveText('staging');
  await detail.getByLabel('Reason').fill(productionReason);
  await detail.getByRole('button', { name: 'Move to production' }).click();
  await expect(detail.getByRole('status')).toContainText('Moved v1 to production');
  await expect(
    page.getByTestId(`model-row-${seed.modelName}`).locator('[data-stage="production"]'),
  ).toHaveText('v1');

  const history = detail.getByTestId('stage-history').locator('tbody tr');
  await expect(history).toHaveCount(2);
  await expect(history.nth(0)).toContainText('staging');
  await expect(history.nth(0)).toContainText('production');
  await expect(history.nth(0)).toContainText(seed.users.pm.email);
  await expect(history.nth(0)).toContainText(productionReason);
  await expect(history.nth(1)).toContainText(seed.users.quant.email);
  await expect(history.nth(1)).toContainText(stagingReason);
  await page.screenshot({ path: `${outputDir}/models-pm.png`, fullPage: true });
});

test('a running run updates live: new points reach the chart and the status turns finished', async ({
  page,
}) => {
  await signIn(page, seed.users.quant);
  await page.goto(`/experiments/runs/${seed.live.id}`);
  const header = page.getByTestId('run-header');
  await expect(header.getByRole('heading').getByTestId('run-status')).toHaveText('running');
  await expect(header).toContainText('running · live');
  expect(await chartNumber(page, 'equity')).toBeGreaterThan(100);
  // The run logged its first half before the page opened; the fixture now logs the rest.
  expect(await chartNumber(page, 'equity', 'data-last-step')).toBe(seed.live.loggedSteps - 1);

  fixture('finish', seed.live.id);
  await expect(header.getByRole('heading').getByTestId('run-status')).toHaveText('finished');
  await expect
    .poll(() => chartNumber(page, 'equity', 'data-last-step'), {
      message: 'points logged after the page opened are charted',
    })
    .toBeGreaterThan(seed.live.loggedSteps * 1.5);
  await page.screenshot({ path: `${outputDir}/run-live.png`, fullPage: true });
});
