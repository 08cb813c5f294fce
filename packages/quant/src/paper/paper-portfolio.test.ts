import { describe, expect, it } from 'vitest';
import { performanceStats } from '../backtest/metrics';
import { loadWidePrices } from '../testing/wide-prices';
import { PaperPortfolio } from './paper-portfolio';

// The 20-stock universe over the replay window of the README (2018-01-02 → 2018-04-11).
const table = loadWidePrices('daily/stock_prices.csv');
const from = table.dates.indexOf('2018-01-02');
const to = table.dates.indexOf('2018-04-11');
const dates = table.dates.slice(from, to + 1);
const tsOf = (date: string) => Date.parse(`${date}T00:00:00Z`);
const closesAt = (t: number, symbols = table.columns): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const s of symbols) {
    const p = table.prices[table.columns.indexOf(s)]![from + t]!;
    if (Number.isFinite(p)) out[s] = p;
  }
  return out;
};
const close = (symbol: string, t: number) => table.prices[table.columns.indexOf(symbol)]![from + t]!;

describe('paper portfolio on real closes (20 stocks, 2018-01-02 → 2018-04-11)', () => {
  it('has the window', () => {
    expect(dates.length).toBeGreaterThan(60);
    expect(dates.at(-1)).toBe('2018-04-11');
  });

  it('buy and hold: equity is cash plus each position grown by its price, weights drift with prices', () => {
    const held = ['AAPL', 'JPM', 'XOM'];
    const costBps = 10;
    const paper = new PaperPortfolio({ costBps });
    paper.markToMarket(tsOf(dates[0]!), closesAt(0));
    const first = paper.rebalance({ AAPL: 0.25, JPM: 0.25, XOM: 0.25 }, 'approve');
    expect(first.turnover).toBeCloseTo(0.75, 12);
    expect(first.cost).toBeCloseTo(0.75 * 0.001, 12);
    for (let t = 1; t < dates.length; t++) {
      paper.markToMarket(tsOf(dates[t]!), closesAt(t));
      paper.rebalance({}, null);
    }
    const last = dates.length - 1;
    const afterCost = 1 - 0.75 * 0.001;
    const grown = held.map((s) => 0.25 * (close(s, last) / close(s, 0)));
    const equity = afterCost * (0.25 + grown.reduce((a, b) => a + b, 0));
    expect(paper.equity).toBeCloseTo(equity, 12);
    for (const [i, s] of held.entries())
      expect(paper.weights[s]).toBeCloseTo((afterCost * grown[i]!) / equity, 12);
    // Only the first bar traded.
    expect(paper.bars.slice(1).every((b) => b.turnover === 0 && b.cost === 0)).toBe(true);
  });

  it('rebalancing to equal weights every bar: each bar earns the mean return and pays for the drift it undoes', () => {
    const symbols = table.columns.filter((s) => Number.isFinite(close(s, 0)));
    const w = 1 / symbols.length;
    const target = Object.fromEntries(symbols.map((s) => [s, w]));
    const costBps = 5;
    const paper = new PaperPortfolio({ costBps });
    let equity = 1;
    for (let t = 0; t < dates.length; t++) {
      const gross = paper.markToMarket(tsOf(dates[t]!), closesAt(t, symbols));
      const r = t === 0 ? symbols.map(() => 0) : symbols.map((s) => close(s, t) / close(s, t - 1) - 1);
      const expectedGross = t === 0 ? 0 : r.reduce((a, b) => a + b, 0) * w;
      expect(gross).toBeCloseTo(expectedGross, 12);
      // Drifted weight wᵢ(1 + rᵢ)/(1 + R); turnover Σ|w − drifted| (from cash on the first bar).
      const turnover =
        t === 0 ? 1 : r.reduce((a, ri) => a + Math.abs(w - (w * (1 + ri)) / (1 + expectedGross)), 0);
      const bar = paper.rebalance(target, 'approve');
      expect(bar.turnover).toBeCloseTo(turnover, 12);
      equity *= (1 + expectedGross) * (1 - (turnover * costBps) / 10_000);
      expect(bar.equity).toBeCloseTo(equity, 12);
    }
    const summary = paper.summary();
    expect(summary.bars).toBe(dates.length);
    expect(summary.equity).toBeCloseTo(equity, 12);
    expect(summary.stats.totalReturn).toBeCloseTo(equity - 1, 12);
    // The summary's figures are performanceStats of the net returns and traded amounts.
    const returns = Float64Array.from(paper.bars, (b) => b.netReturn);
    const stats = performanceStats(returns, { turnover: Float64Array.from(paper.bars, (b) => b.turnover) });
    expect(summary.stats.sharpe).toBe(stats.sharpe);
    expect(summary.stats.maxDrawdown).toBe(stats.maxDrawdown);
    expect(summary.verdicts).toEqual({ approve: dates.length, resize: 0, reject: 0 });
    // 20 positions of 5% never come near 25% each.
    expect(summary.violations).toMatchObject({ bars: 0, breaches: 0, driftBars: 0 });
  });

  it('counts a held position drifted over the concentration limit as a violation while it is held', () => {
    // The winner of the window among the universe, held at the 25% limit and never trimmed.
    const last = dates.length - 1;
    const winner = table.columns
      .filter((s) => Number.isFinite(close(s, 0)) && Number.isFinite(close(s, last)))
      .reduce((a, b) => (close(b, last) / close(b, 0) > close(a, last) / close(a, 0) ? b : a));
    const paper = new PaperPortfolio();
    let expectedBars = 0;
    for (let t = 0; t < dates.length; t++) {
      paper.markToMarket(tsOf(dates[t]!), closesAt(t));
      const bar = paper.rebalance(t === 0 ? { [winner]: 0.25 } : {}, t === 0 ? 'approve' : null);
      const growth = close(winner, t) / close(winner, 0);
      const weight = (0.25 * growth) / (0.75 + 0.25 * growth);
      expect(bar.weights[winner]).toBeCloseTo(weight, 12);
      if (weight > 0.25 + 1e-9) {
        expectedBars++;
        expect(bar.breaches).toEqual([
          { code: 'CONCENTRATION_EXCEEDS_MAX', symbol: winner, limit: 0.25, actual: bar.weights[winner] },
        ]);
        expect(bar.driftBreaches).toHaveLength(1);
      } else expect(bar.breaches).toEqual([]);
    }
    expect(expectedBars).toBeGreaterThan(0);
    const summary = paper.summary();
    expect(summary.violations).toMatchObject({
      bars: expectedBars,
      breaches: expectedBars,
      driftBars: expectedBars,
    });
    expect(summary.violations.byCode.CONCENTRATION_EXCEEDS_MAX).toBe(expectedBars);
    // Trimming back to the limit ends the violation of the held book; the drift before it stays counted.
    const withTrim = new PaperPortfolio();
    withTrim.markToMarket(tsOf(dates[0]!), closesAt(0));
    withTrim.rebalance({ [winner]: 0.25 }, 'approve');
    for (let t = 1; t < dates.length; t++) {
      withTrim.markToMarket(tsOf(dates[t]!), closesAt(t));
      withTrim.rebalance({ [winner]: 0.25 }, 'resize');
    }
    expect(withTrim.summary().violations.bars).toBe(0);
    expect(withTrim.summary().verdicts).toEqual({ approve: 1, resize: dates.length - 1, reject: 0 });
  });

  it('checks gross and net against the limits it is given', () => {
    const paper = new PaperPortfolio({ limits: { maxGross: 0.5, minNet: 0 } });
    paper.markToMarket(tsOf(dates[0]!), closesAt(0));
    const bar = paper.rebalance({ AAPL: 0.2, JPM: 0.2, XOM: -0.2 }, 'approve');
    expect(bar.breaches.map((b) => b.code)).toEqual(['GROSS_EXPOSURE_EXCEEDS_MAX']);
    paper.markToMarket(tsOf(dates[1]!), closesAt(1));
    const short = paper.rebalance({ AAPL: 0, JPM: 0, XOM: -0.2 }, 'approve');
    expect(short.breaches).toEqual([{ code: 'NET_EXPOSURE_OUT_OF_RANGE', limit: 0, actual: -0.2 }]);
  });

  it('a short position gains when the price falls and its weight drifts toward zero', () => {
    const paper = new PaperPortfolio();
    paper.markToMarket(1, { X: 100 });
    paper.rebalance({ X: -0.5 }, 'approve');
    expect(paper.markToMarket(2, { X: 90 })).toBeCloseTo(0.05, 12);
    expect(paper.weights.X).toBeCloseTo((-0.5 * 0.9) / 1.05, 12);
    expect(paper.equity).toBeCloseTo(1.05, 12);
  });

  it('a symbol without a new close earns nothing and keeps its weight relative to the book', () => {
    const paper = new PaperPortfolio();
    paper.markToMarket(1, { X: 10, Y: 10 });
    paper.rebalance({ X: 0.5, Y: 0.5 }, 'approve');
    expect(paper.markToMarket(2, { X: 11 })).toBeCloseTo(0.05, 12);
    expect(paper.weights).toEqual({ X: 0.55 / 1.05, Y: 0.5 / 1.05 });
  });

  it('refuses steps out of order and values it cannot mark', () => {
    const paper = new PaperPortfolio();
    expect(() => paper.rebalance({}, null)).toThrow(/mark the bar to market first/);
    paper.markToMarket(10, { X: 1 });
    expect(() => paper.markToMarket(11, { X: 1 })).toThrow(/marked and not traded/);
    expect(() => paper.rebalance({ Y: 0.1 }, null)).toThrow(/'Y': no close of it/);
    expect(() => paper.rebalance({ X: NaN }, null)).toThrow(/'X' is NaN/);
    paper.rebalance({ X: 0.1 }, null);
    expect(() => paper.markToMarket(10, { X: 1 })).toThrow(/after the previous bar/);
    expect(() => paper.markToMarket(12, { X: 0 })).toThrow(/close of 'X'.*not a positive number/);
    expect(() => new PaperPortfolio({ costBps: -1 })).toThrow(/costBps/);
  });
});
