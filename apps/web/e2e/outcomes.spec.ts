import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { engineFixture, engineURL, predictWithNewKey } from './fixtures/engine';
import { signIn } from './fixtures/sign-in';
import type { TradingFixture } from './fixtures/trading';

// The outcome ledger in the console, on decisions the e2e platform's engine makes for a paper
// book of its own: SPY on ten consecutive 2019 days, each holding the weight the last one set
// (as the paper trading client does), and one on SPY's last stored bar, which has no next bar
// yet. The workers' outcome consumer books them; the Decisions page shows the book's equity
// curve and figures, each decision's realized net P&L (or "waiting"); a decision's detail shows
// its outcome per target and arm, the net equal to w·r − cost on the real closes.

const outputDir = process.env.E2E_OUTPUT_DIR ?? 'test-results';
const PORTFOLIO = `e2e-paper-${Date.now()}`;
/** The workers' default OUTCOME_COST_BPS. */
const COST_BPS = 5;
const DAYS = 10;
/** SPY's last bar in the bundled sample data: a decision on it waits for the next bar. */
const LAST_BAR_DAY = '2019-12-09';

/** SPY's real closes, as the e2e platform imported them (data/sample). */
const closes = new Map(
  readFileSync(path.resolve(import.meta.dirname, '../../../data/sample/spy_prices.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .map(([date, close]) => [date!, Number(close)] as const),
);
const dates = [...closes.keys()].filter((d) => d >= '2019-06-03').slice(0, DAYS + 1);

interface Made {
  id: string;
  day: string;
  currentWeight: number;
  targetWeight: number;
}

test.describe.configure({ mode: 'serial' });

let setup: TradingFixture;
const made: Made[] = [];
let waitingId: string;

async function decide(day: string, currentWeight: number): Promise<Made> {
  const body = {
    symbols: ['SPY'],
    timeframe: '1d',
    asOf: `${day}T21:00:00Z`,
    portfolio: { SPY: currentWeight },
    portfolioId: PORTFOLIO,
    requestKey: `${PORTFOLIO}-${day}`,
  };
  const res = await fetch(`${engineURL}/api/v1/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': setup.apiKey },
    body: JSON.stringify(body),
  });
  const decision = (await res.json()) as {
    id: string;
    targets: Array<{ symbol: string; targetWeight: number }>;
  };
  expect(res.status, JSON.stringify(decision)).toBe(200);
  return { id: decision.id, day, currentWeight, targetWeight: decision.targets[0]!.targetWeight };
}

/** The net of holding the target over the next bar: w·r − cost, as the ledger books it. */
function expectedNet(m: Made): number {
  const next = dates[dates.indexOf(m.day) + 1]!;
  const r = closes.get(next)! / closes.get(m.day)! - 1;
  return m.targetWeight * r - (COST_BPS / 10_000) * Math.abs(m.targetWeight - m.currentWeight);
}

/** As the console writes it: a signed percent with `digits` decimals, unsigned when it rounds to zero. */
const signed = (net: number, digits: number) => {
  const text = (net * 100).toFixed(digits);
  return Number(text) === 0 ? `${(0).toFixed(digits)}%` : `${net > 0 ? '+' : ''}${text}%`;
};

test.beforeAll(async () => {
  test.setTimeout(120_000);
  setup = engineFixture();
  // The first call waits for the engine to pick up the fixture's new key.
  expect((await predictWithNewKey(setup.apiKey, 'SPY')).status).toBe(200);
  let weight = 0;
  for (const day of dates.slice(0, DAYS)) {
    const m = await decide(day, weight);
    made.push(m);
    weight = m.targetWeight;
  }
  waitingId = (await decide(LAST_BAR_DAY, weight)).id;
});

test('the Decisions page shows the paper book: equity curve, figures, realized net per decision', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page);
  await page.goto('/decisions');
  const card = page.getByTestId('paper-portfolio');
  await expect(card).toBeVisible();
  // The most recent book is shown first: this one (the page is reloaded until the consumer has booked all).
  await expect(async () => {
    await page.reload();
    await expect(card.getByTestId('paper-portfolio-body')).toHaveAttribute('data-portfolio', PORTFOLIO, {
      timeout: 3_000,
    });
    await expect(card.getByTestId('portfolio-recorded')).toHaveText(`${DAYS} / 1`, { timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await expect(card.getByTestId('outcome-portfolio')).toHaveValue(PORTFOLIO);
  await expect(card.getByTestId('portfolio-decisions')).toHaveText(String(DAYS + 1));

  // Net P&L: the compounded realized nets of the book's decisions.
  const equity = made.reduce((e, m) => e * (1 + expectedNet(m)), 1);
  await expect(card.getByTestId('portfolio-net')).toHaveText(signed(equity - 1, 2));
  await expect(card.getByTestId('portfolio-sharpe').first()).toHaveText(/^-?\d+\.\d{2} ± \d+\.\d{2}$/);
  await expect(card.getByTestId('portfolio-max-dd').first()).toHaveText(/^-?\d+\.\d{2}%$/);
  await expect(card.getByTestId('equity-chart')).toHaveAttribute('data-points', String(DAYS + 1));
  await page.screenshot({ path: `${outputDir}/paper-portfolio.png`, fullPage: true });

  // The list: a recorded decision's net, "waiting" for the one on the last bar.
  const first = page.locator(`[data-testid="decision-row"][data-decision-id="${made[0]!.id}"]`);
  await expect(first.getByTestId('decision-net')).toHaveAttribute('data-status', 'RECORDED');
  await expect(first.getByTestId('decision-net')).toHaveText(signed(expectedNet(made[0]!), 3));
  const waiting = page.locator(`[data-testid="decision-row"][data-decision-id="${waitingId}"]`);
  await expect(waiting.getByTestId('decision-net')).toHaveText('waiting');
});

test('a decision’s detail shows its outcome per target and arm, or that it waits for the next bar', async ({
  page,
}) => {
  await signIn(page);
  const m = made[3]!;
  await page.goto(`/decisions/${m.id}`);
  const outcome = page.getByTestId('decision-outcome');
  await expect(outcome).toBeVisible();
  const net = expectedNet(m);
  await expect(page.getByTestId('decision-outcome-status')).toHaveText(`net ${signed(net, 3)}`);
  const held = outcome.locator('[data-testid="outcome-row"][data-symbol="SPY"][data-arm="production"]');
  await expect(held).toHaveAttribute('data-status', 'RECORDED');
  await expect(held).toContainText(signed(net, 4));
  const r = closes.get(dates[4]!)! / closes.get(m.day)! - 1;
  await expect(held).toContainText(`${(r * 100).toFixed(3)}%`);
  await page.screenshot({ path: `${outputDir}/decision-outcome.png`, fullPage: true });

  await page.goto(`/decisions/${waitingId}`);
  await expect(page.getByTestId('decision-outcome-status')).toHaveText('waiting for the next bar');
  await expect(page.getByTestId('decision-outcome').getByTestId('outcome-row').first()).toContainText(
    'waiting for the next bar',
  );
});
