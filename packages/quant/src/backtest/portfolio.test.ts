import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backtest } from './backtester';
import { backtestReturns } from './returns';

/** Wide CSV `date,T1,...,T20`, empty cells before a listing → NaN. Shared data, else the bundled copy. */
function loadStocks(): { dates: string[]; tickers: string[]; prices: Float64Array[] } {
  const repo = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
  const shared = path.resolve(repo, '../shared/data/daily/stock_prices.csv');
  const file = existsSync(shared) ? shared : path.join(repo, 'data/sample/stock_prices.csv');
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const tickers = header!.split(',').slice(1);
  const cells = rows.map((l) => l.split(','));
  const prices = tickers.map((_, j) =>
    Float64Array.from(cells, (c) => (c[j + 1] === '' || c[j + 1] === undefined ? NaN : Number(c[j + 1]))),
  );
  return { dates: cells.map((c) => c[0]!), tickers, prices };
}

describe('equal-weight 20-stock portfolio, rebalanced monthly', () => {
  const { dates, tickers, prices } = loadStocks();
  const returns = prices.map(backtestReturns);
  const nBars = dates.length;
  // Rebalance on the first trading day of each month (known at t: compares dates t and t − 1).
  const monthStart = (t: number) => t === 0 || dates[t]!.slice(0, 7) !== dates[t - 1]!.slice(0, 7);
  const equal = new Float64Array(tickers.length).fill(1 / tickers.length);
  const res = backtest({ returns, costBps: 5, targetWeights: (t) => (monthStart(t) ? equal : null) });

  it('loads the universe', () => {
    expect(tickers).toHaveLength(20);
    expect(nBars).toBeGreaterThan(7000);
  });

  it('runs with finite equity and finite, sane stats', () => {
    expect(res.equity.every(Number.isFinite)).toBe(true);
    expect(res.returns.every(Number.isFinite)).toBe(true);
    expect(res.weights.every((w) => w.every(Number.isFinite))).toBe(true);
    expect(res.stats.cagr).toBeGreaterThan(0.05);
    expect(res.stats.volatility).toBeGreaterThan(0.1);
    expect(res.stats.volatility).toBeLessThan(0.4);
    expect(res.stats.maxDrawdown).toBeGreaterThan(0.3);
    expect(res.stats.maxDrawdown).toBeLessThan(0.8);
  });

  it('renormalises over the listed stocks at each rebalance; unlisted ones get 0', () => {
    let rebalances = 0;
    for (let t = 0; t < nBars - 1; t++) {
      if (!monthStart(t)) continue;
      rebalances++;
      const listed = returns.filter((r) => Number.isFinite(r[t])).length;
      let sum = 0;
      returns.forEach((r, i) => {
        const w = res.weights[i]![t]!;
        if (Number.isFinite(r[t])) expect(w).toBeCloseTo(1 / listed, 12);
        else expect(w).toBe(0);
        sum += w;
      });
      expect(sum).toBeCloseTo(1, 12);
    }
    expect(rebalances).toBeGreaterThan(300);
    const fb = tickers.indexOf('FB');
    const listing = dates.indexOf('2012-05-18');
    expect(res.weights[fb]!.subarray(0, listing).every((w) => w === 0)).toBe(true);
    expect(res.weights[fb]![dates.indexOf('2012-06-01')]).toBeGreaterThan(0);
    // 10 stocks trade from the first bar (1989-12-29); all 20 trade by the end.
    expect(returns.filter((r) => Number.isFinite(r[0])).length).toBe(10);
    expect(returns.every((r) => Number.isFinite(r[nBars - 1]))).toBe(true);
  });

  it('pays costs only on rebalance days, drifting in between', () => {
    for (let t = 0; t < nBars - 1; t++) {
      if (!monthStart(t)) expect(res.turnover[t]).toBe(0);
    }
    expect(res.stats.turnover).toBeGreaterThan(0);
    expect(res.stats.annualTurnover).toBeLessThan(5);
  });
});
