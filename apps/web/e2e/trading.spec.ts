import { expect, request as apiRequest, test, type APIRequestContext } from '@playwright/test';
import { LOGIN } from '../src/features/auth/operations';
import { HALT_TRADING, RESUME_TRADING, TRADING_STATE } from '../src/features/trading/operations';
import { engineFixture, predictOnce, predictWithNewKey } from './fixtures/engine';
import type { TradingFixture } from './fixtures/trading';
import { signIn } from './fixtures/sign-in';

// The trading halt (banner on every page, live; control for pm/admin only) and the Decisions
// page on decisions the e2e platform's engine makes, called here as a trading engine calls it
// (fixtures/trading.ts makes the users and the API key).

const outputDir = process.env.E2E_OUTPUT_DIR ?? 'test-results';
const baseURL = process.env.E2E_BASE_URL ?? 'http://localhost:3000';
const admin = {
  email: process.env.E2E_ADMIN_EMAIL ?? 'admin@tradeplane.local',
  password: process.env.E2E_ADMIN_PASSWORD ?? '',
};

interface PredictResult {
  status: number;
  /** Decision ids of the 200 answers. */
  ids: string[];
  /** The last answer's body. */
  body: any;
}

/** `times` calls of POST /api/v1/predict for one symbol, stopping at the first non-200 answer. */
async function predict(symbol: string, times = 1): Promise<PredictResult> {
  let last = await predictWithNewKey(setup.apiKey, symbol);
  const ids: string[] = [];
  for (let n = 1; ; n++) {
    if (last.status !== 200) break;
    ids.push(last.body.id);
    if (n >= times) break;
    last = await predictOnce(setup.apiKey, symbol);
  }
  return { status: last.status, ids, body: last.body };
}

/**
 * GraphQL through the console's same-origin /graphql, signed in as the admin, with the
 * console's own operations (a production gateway runs only those, its trusted documents).
 */
async function adminApi(request: APIRequestContext) {
  const gql = async (op: { query: string }, variables: Record<string, unknown> = {}) => {
    const res = await request.post('/graphql', { data: { query: op.query, variables } });
    const body = (await res.json()) as { data?: any; errors?: Array<{ message: string }> };
    if (body.errors) throw new Error(body.errors[0]!.message);
    return body.data;
  };
  await gql(LOGIN, { email: admin.email, password: admin.password });
  return gql;
}

/** Leaves trading running whatever a test did: the other specs' predicts need it. */
async function ensureTrading(): Promise<void> {
  const context = await apiRequest.newContext({ baseURL });
  try {
    const gql = await adminApi(context);
    const { tradingState } = await gql(TRADING_STATE);
    if (tradingState.state === 'HALTED') await gql(RESUME_TRADING, { reason: 'e2e clean-up' });
  } finally {
    await context.dispose();
  }
}

test.describe.configure({ mode: 'serial' });

let setup: TradingFixture;

test.beforeAll(async () => {
  setup = engineFixture();
  await ensureTrading();
});

test.afterAll(ensureTrading);

test('an admin halts trading with a reason: the banner shows on every page, live, until resumed', async ({
  page,
  browser,
}) => {
  const cause = `e2e halt ${Date.now()}`;
  // A quant on another page sees the state but no control, and the banner arrives without a reload.
  const quantContext = await browser.newContext();
  const quant = await quantContext.newPage();
  try {
    await signIn(quant, setup.users.quant);
    await quant.goto('/decisions');
    await expect(quant.getByTestId('trading-state')).toHaveAttribute('data-halted', 'false');
    await expect(quant.getByTestId('trading-control-withheld')).toBeVisible();
    await expect(quant.getByTestId('trading-control')).toHaveCount(0);
    await expect(quant.getByRole('button', { name: 'Halt trading' })).toHaveCount(0);

    await signIn(page, admin);
    await page.goto('/decisions');
    const control = page.getByTestId('trading-control');
    await expect(control).toBeVisible();
    await expect(page.getByTestId('halt-banner')).toHaveCount(0);
    await control.getByRole('button', { name: 'Halt trading' }).click();
    await expect(control.getByRole('alert')).toContainText('Give a reason');
    await control.getByLabel('Reason').fill(cause);
    await control.getByRole('button', { name: 'Halt trading' }).click();
    await expect(page.getByTestId('halt-banner')).toContainText(cause);
    await expect(page.getByTestId('trading-state')).toHaveAttribute('data-halted', 'true');

    await page.goto('/data');
    const banner = page.getByTestId('halt-banner');
    await expect(banner).toContainText(cause);
    await expect(banner).toContainText(admin.email);
    await page.screenshot({ path: `${outputDir}/halt-banner.png`, fullPage: true });
    await expect(quant.getByTestId('halt-banner')).toContainText(cause);
    await quant.goto('/regimes');
    await expect(quant.getByTestId('halt-banner')).toContainText(cause);

    await page.goto('/decisions');
    await control.getByLabel('Reason').fill('e2e: checks done');
    await control.getByRole('button', { name: 'Resume trading' }).click();
    await expect(page.getByTestId('halt-banner')).toHaveCount(0);
    await expect(page.getByTestId('trading-state')).toHaveAttribute('data-halted', 'false');
    await page.goto('/data');
    await expect(page.getByTestId('instruments-table')).toBeVisible();
    await expect(page.getByTestId('halt-banner')).toHaveCount(0);
    await expect(quant.getByTestId('halt-banner')).toHaveCount(0);
  } finally {
    await quantContext.close();
  }
});

test('decisions the engine makes for SPY are listed, stream in live and open in detail', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const made = await predict('SPY', 3);
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  expect(made.ids).toHaveLength(3);

  await signIn(page, admin);
  await page.goto('/decisions?symbol=SPY');
  for (const id of made.ids) await expect(page.locator(`[data-decision-id="${id}"]`)).toBeVisible();
  await expect(page.getByTestId('decision-live')).toContainText('live');

  // A new decision reaches the open page through the sampled subscription.
  let live: string | undefined;
  for (let attempt = 0; attempt < 5 && !live; attempt++) {
    const next = await predict('SPY');
    const row = page.locator(`[data-decision-id="${next.ids[0]}"]`);
    const arrived = await row.waitFor({ state: 'visible', timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (arrived) live = next.ids[0];
  }
  expect(live, 'no decision arrived over decisionSampled').toBeDefined();
  await page.screenshot({ path: `${outputDir}/decisions.png`, fullPage: true });

  await page.locator(`[data-decision-id="${made.ids[0]}"] a`).click();
  await expect(page).toHaveURL(new RegExp(`/decisions/${made.ids[0]}$`));
  const detail = page.getByTestId('decision-detail');
  await expect(detail).toHaveAttribute('data-decision-id', made.ids[0]!);
  await expect(page.getByTestId('decision-regime')).toContainText('bull');
  const target = page.getByTestId('decision-target-SPY');
  await expect(target.getByTestId('specialist-row').first()).toBeVisible();
  await expect(target.getByTestId('target-features')).not.toBeEmpty();
  await expect(page.getByTestId('decision-risk').getByTestId('risk-rule').first()).toBeVisible();
  await expect(page.getByTestId('decision-models')).toContainText('arm');
  await expect(page.getByTestId('decision-timings')).toContainText('total');
  await page.screenshot({ path: `${outputDir}/decision-detail.png`, fullPage: true });

  // While halted, predict answers 503 `halted` with the cause.
  const gql = await adminApi(request);
  const cause = `e2e predict halt ${Date.now()}`;
  await gql(HALT_TRADING, { reason: cause });
  try {
    await expect.poll(async () => (await predict('SPY')).status, { timeout: 20_000 }).toBe(503);
    expect((await predict('SPY')).body).toMatchObject({ halted: true, cause });
  } finally {
    await gql(RESUME_TRADING, { reason: 'e2e predict halt over' });
  }
});
