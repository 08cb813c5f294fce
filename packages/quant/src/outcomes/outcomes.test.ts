import { describe, expect, it } from 'vitest';
import { loadWidePrices } from '../testing/wide-prices';
import {
  assetReturn,
  decisionResult,
  periodsPerYear,
  summarizeOutcomes,
  targetOutcome,
  tradeCost,
} from './outcomes';

// SPY 2019 (real closes): a decision each day holding 100% SPY, entered from cash on the first day.
const spy = loadWidePrices('daily/spy_prices.csv', { columns: ['SPY'] });
const from = spy.dates.findIndex((d) => d >= '2019-01-02');
const closes = spy.prices[0]!.subarray(from);
const days = closes.length - 1;

describe('targetOutcome', () => {
  it('is w·r minus bps per unit turnover', () => {
    const r = assetReturn(closes[0]!, closes[1]!);
    const o = targetOutcome({ currentWeight: 0.2, targetWeight: 0.5 }, r, 5);
    expect(o.gross).toBeCloseTo(0.5 * (closes[1]! / closes[0]! - 1), 15);
    expect(o.turnover).toBeCloseTo(0.3, 15);
    expect(o.cost).toBeCloseTo(0.3 * 5e-4, 15);
    expect(o.net).toBeCloseTo(o.gross - o.cost, 15);
    expect(tradeCost({ currentWeight: 0.5, targetWeight: -0.5 }, 10)).toEqual({ turnover: 1, cost: 1e-3 });
  });

  it('refuses a close that is not a positive number, and negative bps', () => {
    expect(() => assetReturn(0, 1)).toThrow(/close/);
    expect(() => assetReturn(1, Number.NaN)).toThrow(/nextClose/);
    expect(() => tradeCost({ currentWeight: 0, targetWeight: 1 }, -1)).toThrow(/costBps/);
  });

  it('sums a decision over its targets', () => {
    const a = targetOutcome({ currentWeight: 0, targetWeight: 0.25 }, 0.02, 5);
    const b = targetOutcome({ currentWeight: 0.25, targetWeight: 0.1 }, -0.01, 5);
    const d = decisionResult([a, b]);
    expect(d.net).toBeCloseTo(a.net + b.net, 15);
    expect(d.turnover).toBeCloseTo(0.4, 15);
  });
});

describe('summarizeOutcomes on buy-and-hold SPY 2019', () => {
  const net = new Float64Array(days);
  const turnover = new Float64Array(days);
  for (let t = 0; t < days; t++) {
    const o = targetOutcome(
      { currentWeight: t === 0 ? 0 : 1, targetWeight: 1 },
      assetReturn(closes[t]!, closes[t + 1]!),
      5,
    );
    net[t] = o.net;
    turnover[t] = o.turnover;
  }
  const s = summarizeOutcomes(net, turnover, { periodsPerYear: periodsPerYear('1d'), riskRuleHits: 0 });

  it('compounds to the price change less the one entry cost', () => {
    // Day 1 pays 5 bps on entering from cash; then the closes compound.
    const growth = (closes[1]! / closes[0]! - 5e-4) * (closes[days]! / closes[1]!);
    expect(s.decisions).toBe(days);
    expect(s.totalNet).toBeCloseTo(growth - 1, 10);
    expect(s.meanTurnover).toBeCloseTo(1 / days, 15);
  });

  it('Sharpe and its Lo (2002) standard error match a direct computation', () => {
    const mean = net.reduce((a, x) => a + x, 0) / days;
    const sd = Math.sqrt(net.reduce((a, x) => a + (x - mean) ** 2, 0) / (days - 1));
    const sr = mean / sd;
    expect(s.sharpe).toBeCloseTo(sr * Math.sqrt(252), 10);
    expect(s.sharpeStdErr).toBeCloseTo(Math.sqrt((1 + (sr * sr) / 2) / days) * Math.sqrt(252), 10);
    // One year of daily returns: the annual Sharpe is known to about ±1.
    expect(s.sharpeStdErr).toBeGreaterThan(0.9);
    expect(s.sharpeStdErr).toBeLessThan(1.2);
  });

  it('hit rate and max drawdown from the closes themselves', () => {
    let ups = 0;
    let moves = 0;
    let peak = 1;
    let e = 1;
    let dd = 0;
    for (let t = 0; t < days; t++) {
      if (net[t] !== 0) moves++;
      if (net[t]! > 0) ups++;
      e *= 1 + net[t]!;
      peak = Math.max(peak, e);
      dd = Math.max(dd, 1 - e / peak);
    }
    expect(s.hitRate).toBe(ups / moves);
    expect(s.maxDrawdown).toBeCloseTo(dd, 14);
    expect(s.maxDrawdown).toBeGreaterThan(0.05); // May 2019
  });

  it('is NaN where a statistic needs more decisions', () => {
    const one = summarizeOutcomes(net.subarray(0, 1), turnover.subarray(0, 1), {
      periodsPerYear: 252,
      riskRuleHits: 1,
    });
    expect(one.sharpe).toBeNaN();
    expect(one.sharpeStdErr).toBeNaN();
    expect(one.riskRuleHits).toBe(1);
    expect(() => periodsPerYear('2d')).toThrow(/timeframe/);
  });
});
