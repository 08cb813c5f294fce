import { expect, request as apiRequest, test } from '@playwright/test';
import { engineFixture, predict } from './fixtures/engine';
import { signIn } from './fixtures/sign-in';
import type { TradingFixture } from './fixtures/trading';

// The forensics explorer on a decision the e2e platform's engine makes: the workers' consumer
// explains it off the decision path (within a second or two), the console shows the waterfall,
// the specialists, the regime's influence and the risk step; search by symbol finds it; a
// malformed id is named at its field; an unknown id is "no decision".

const outputDir = process.env.E2E_OUTPUT_DIR ?? 'test-results';
const baseURL = process.env.E2E_BASE_URL ?? 'http://localhost:3000';
/** A well-formed id from 2016: no decision ever had it. */
const UNKNOWN_ID = '01ARYZ6S41TSV4RRFFQ69G5FAV';

/** `YYYY-MM-DDTHH:MM` in UTC, what the explorer's datetime-local inputs hold. */
const utcMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16);

test.describe.configure({ mode: 'serial' });

let setup: TradingFixture;
let decisionId: string;
let madeAt: number;

test.beforeAll(async () => {
  setup = engineFixture();
  madeAt = Date.now();
  decisionId = (await predict(setup.apiKey, 'SPY')).id;
});

test('a decision the engine made opens explained: waterfall, specialists, regime influence and risk step', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page);
  await page.goto(`/forensics?id=${decisionId.toLowerCase()}`);

  const explanation = page.getByTestId('forensics-explanation');
  await expect(explanation).toHaveAttribute('data-decision-id', decisionId);
  // Pending for a moment at most: the page polls until the consumer has stored the explanation.
  await expect(page.getByTestId('forensics-status')).toHaveAttribute('data-status', 'explained', {
    timeout: 30_000,
  });

  // baseline → one step per feature → interaction → blended signal.
  const waterfall = page.getByTestId('forensics-waterfall');
  await expect(waterfall).toBeVisible();
  const features = await page.getByTestId('feature-contribution').count();
  expect(features).toBeGreaterThan(0);
  await expect(waterfall.getByTestId('waterfall-step')).toHaveCount(features + 3);
  await expect(waterfall.locator('[data-kind="start"]')).toHaveAttribute('data-label', 'baseline');
  await expect(waterfall.locator('[data-kind="total"]')).toHaveAttribute('data-label', 'blended signal');

  // Each specialist's weight × signal, adding up to the blend.
  const specialists = page.getByTestId('forensics-specialists');
  const count = await specialists.getByTestId('forensics-specialist').count();
  expect(count).toBeGreaterThan(0);
  await expect(specialists.getByTestId('specialist-waterfall').getByTestId('waterfall-step')).toHaveCount(
    count + 2,
  );

  await expect(page.getByTestId('regime-influence').getByTestId('regime-weights')).toHaveCount(count);
  await expect(page.getByTestId('regime-influence-value')).toContainText('regime moved the blended signal');
  const risk = page.getByTestId('risk-step');
  await expect(risk.getByTestId('risk-waterfall')).toBeVisible();
  await expect(risk.getByTestId('verdict-chip')).toBeVisible();
  await expect(page.getByTestId('forensics-decision-link')).toHaveAttribute(
    'href',
    `/decisions/${decisionId}`,
  );
  await page.screenshot({ path: `${outputDir}/forensics.png`, fullPage: true });

  // The same record over REST (through the console's same-origin rewrite), for the session and
  // for an API key; refused without either.
  const rest = await page.request.get(`/api/v1/forensics/${decisionId}`);
  expect(rest.status()).toBe(200);
  expect(await rest.json()).toMatchObject({ decisionId, status: 'explained' });
  const anonymous = await apiRequest.newContext({ baseURL });
  try {
    expect((await anonymous.get(`/api/v1/forensics/${decisionId}`)).status()).toBe(401);
    const byKey = await anonymous.get(`/api/v1/forensics/${decisionId}`, {
      headers: { 'x-api-key': setup.apiKey },
    });
    expect(byKey.status()).toBe(200);
    expect(
      (
        await anonymous.get(`/api/v1/forensics/not-an-id`, { headers: { 'x-api-key': setup.apiKey } })
      ).status(),
    ).toBe(400);
  } finally {
    await anonymous.dispose();
  }
});

test('the decision detail page links to its forensics', async ({ page }) => {
  await signIn(page);
  await page.goto(`/decisions/${decisionId}`);
  await page.getByTestId('decision-forensics-link').click();
  await expect(page).toHaveURL(new RegExp(`/forensics\\?id=${decisionId}$`));
  await expect(page.getByTestId('forensics-explanation')).toHaveAttribute('data-decision-id', decisionId);
});

test('searching by symbol and time range lists the decision, newest first, and opens it', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/forensics');
  await expect(page.getByRole('link', { name: 'Forensics' })).toHaveAttribute('aria-current', 'page');

  await page.getByLabel('Symbol').fill('spy');
  await page.getByLabel('From (UTC)').fill(utcMinute(madeAt - 60_000));
  await page.getByLabel('To (UTC)').fill(utcMinute(madeAt + 120_000));
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await expect(page).toHaveURL(/symbol=SPY/);

  const row = page.locator(`[data-testid="forensics-row"][data-decision-id="${decisionId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('SPY');
  // Newest first.
  const ids = await page
    .getByTestId('forensics-row')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-decision-id')!));
  expect(ids).toEqual([...ids].sort().reverse());

  await row.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`id=${decisionId}`));
  await expect(page).toHaveURL(/symbol=SPY/);
  await expect(page.getByTestId('forensics-explanation')).toHaveAttribute('data-decision-id', decisionId);
  await expect(row).toHaveAttribute('aria-selected', 'true');

  // A time range that ends before the decision leaves it out, and says what it searched.
  await page.getByLabel('To (UTC)').fill(utcMinute(madeAt - 120_000));
  await page.getByLabel('From (UTC)').fill(utcMinute(madeAt - 240_000));
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await expect(row).toHaveCount(0);
});

test('a malformed id is named at its field; an unknown id is no decision', async ({ page }) => {
  await signIn(page);
  await page.goto('/forensics');
  const idField = page.getByLabel('Decision id');
  await idField.fill('not-a-decision-id');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await expect(page.getByTestId('forensics-id-error')).toContainText('Not a decision id');
  await expect(idField).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('forensics-explanation')).toHaveCount(0);

  // To before From is named at To.
  await page.getByLabel('From (UTC)').fill('2026-01-02T00:00');
  await page.getByLabel('To (UTC)').fill('2026-01-01T00:00');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await expect(page.getByTestId('forensics-to-error')).toContainText('later than From');

  await page.goto(`/forensics?id=${UNKNOWN_ID}`);
  await expect(page.getByTestId('forensics-not-found')).toContainText('No decision with this id');
  await page.screenshot({ path: `${outputDir}/forensics-not-found.png`, fullPage: true });
});
