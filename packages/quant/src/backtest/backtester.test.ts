import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../features/lookahead';
import { loadSpy } from '../features/testing/real-data';
import { backtest, type BacktestView } from './backtester';
import { backtestReturns } from './returns';

const spy = loadSpy();
const prices = spy.bars.close;
const spyReturns = backtestReturns(prices);
const n = prices.length;
const buyAndHold = (t: number) => (t === 0 ? [1] : null);

describe('buy-and-hold SPY, zero cost', () => {
  const res = backtest({ returns: [spyReturns], targetWeights: buyAndHold, costBps: 0 });

  it('ends at the price ratio last / first and compounds to the closed-form CAGR', () => {
    const ratio = prices[n - 1]! / prices[0]!;
    expect(Math.abs(res.equity[n - 1]! / ratio - 1)).toBeLessThan(1e-9);
    expect(res.equity[0]).toBe(1);
    expect(res.stats.periods).toBe(n - 1);
    expect(res.stats.cagr).toBeCloseTo(ratio ** (252 / (n - 1)) - 1, 12);
    expect(res.turnover[0]).toBe(1);
    expect(res.turnover.subarray(1).every((x) => x === 0)).toBe(true);
    expect(res.weights[0]!.every((w) => Math.abs(w - 1) < 1e-12)).toBe(true);
  });

  it('max drawdown 2007-10-09 .. 2009-03-09 matches the exact price drawdown (≈ 55%)', () => {
    const i0 = spy.dates.indexOf('2007-10-09');
    const i1 = spy.dates.indexOf('2009-03-09');
    const window = prices.subarray(i0, i1 + 1);
    let peak = -Infinity;
    let exact = 0;
    for (const p of window) {
      peak = Math.max(peak, p);
      exact = Math.max(exact, 1 - p / peak);
    }
    expect(exact).toBeGreaterThan(0.54);
    expect(exact).toBeLessThan(0.57);
    const sub = backtest({ returns: [backtestReturns(window)], targetWeights: buyAndHold, costBps: 0 });
    expect(sub.stats.maxDrawdown).toBeCloseTo(exact, 12);
    expect(sub.stats.peakIndex).toBe(0);
    expect(sub.stats.troughIndex).toBe(i1 - i0);
    // Over the whole history the largest drawdown is the same episode; indices are bar indices.
    expect(res.stats.maxDrawdown).toBeCloseTo(exact, 12);
    expect(spy.dates[res.stats.peakIndex]).toBe('2007-10-09');
    expect(spy.dates[res.stats.troughIndex]).toBe('2009-03-09');
  });
});

describe('no lookahead', () => {
  it('the weight decided at t earns the return of bar t + 1, and only that', () => {
    const r = Float64Array.from([0, 0.01, 0.02, 0.03, 0.04, 0.05]);
    const res = backtest({ returns: [r], targetWeights: (t) => [t === 2 ? 1 : 0], costBps: 0 });
    [0, 0, 0, 0.03, 0, 0].forEach((x, t) => expect(res.returns[t]).toBeCloseTo(x, 15));
    expect([...res.turnover]).toEqual([0, 0, 1, 1, 0, 0]);
    expect(res.weights[0]![2]).toBe(1);
  });

  it('the strategy sees exactly returns[0..t]: index t + 1 is out of its reach', () => {
    const seen: number[] = [];
    backtest({
      returns: [spyReturns, spyReturns.map((x) => -x)],
      costBps: 0,
      targetWeights: (t, view) => {
        for (const series of view.returns) {
          if (series.length !== t + 1 || series[t + 1] !== undefined || series[t] !== series[t]) seen.push(t);
        }
        return null;
      },
    });
    expect(seen).toEqual([]);
  });

  it('decisions up to t do not change when the data after t is replaced', () => {
    const k = 4000;
    const rand = mulberry32(7);
    const scrambled = spyReturns.map((x, t) => (t <= k ? x : (rand() - 0.5) * 0.1));
    const momentum = (_t: number, view: BacktestView) => {
      const s = view.returns[0]!;
      let sum = 0;
      for (let j = Math.max(0, s.length - 20); j < s.length; j++) sum += s[j] ?? 0;
      return [sum > 0 ? 1 : -0.5];
    };
    const a = backtest({ returns: [spyReturns], targetWeights: momentum, costBps: 5 });
    const b = backtest({ returns: [scrambled], targetWeights: momentum, costBps: 5 });
    expect(b.weights[0]!.subarray(0, k + 1)).toEqual(a.weights[0]!.subarray(0, k + 1));
    expect(b.equity.subarray(0, k + 1)).toEqual(a.equity.subarray(0, k + 1));
    expect(b.turnover.subarray(0, k + 1)).toEqual(a.turnover.subarray(0, k + 1));
  });

  it('an "oracle" sign(next return) is chance inside the API, a fortune when fed the future', () => {
    // One piece of logic: go long/short on the sign of the newest return it is given.
    const newestSign = (series: ArrayLike<number>) => Math.sign(series[series.length - 1] ?? 0);
    const inside = backtest({
      returns: [spyReturns],
      costBps: 0,
      targetWeights: (_t, view) => [newestSign(view.returns[0]!)],
    });
    // Outside the API the same logic is handed the prefix up to t + 1, i.e. tomorrow's return.
    const future = [Float64Array.from({ length: n }, (_, t) => newestSign(spyReturns.subarray(0, t + 2)))];
    const cheat = backtest({ returns: [spyReturns], costBps: 0, targetWeights: future });
    expect(cheat.stats.sharpe).toBeGreaterThan(10);
    expect(cheat.stats.hitRate).toBe(1);
    // Chance: random ±1 positions on the same returns.
    const rand = mulberry32(42);
    const randomSharpes = Array.from({ length: 100 }, () => {
      const w = [Float64Array.from({ length: n }, () => (rand() < 0.5 ? -1 : 1))];
      return backtest({ returns: [spyReturns], costBps: 0, targetWeights: w }).stats.sharpe;
    }).sort((x, y) => x - y);
    expect(Math.abs(inside.stats.sharpe)).toBeLessThan(1);
    expect(inside.stats.sharpe).toBeGreaterThan(randomSharpes[0]!);
    expect(inside.stats.sharpe).toBeLessThan(randomSharpes[99]!);
    expect(inside.stats.hitRate).toBeGreaterThan(0.45);
    expect(inside.stats.hitRate).toBeLessThan(0.55);
  });
});

describe('transaction costs', () => {
  it('flipping 0 ↔ 1 daily at 10 bps loses exactly 10 bps × turnover per rebalance', () => {
    const flip = (t: number) => [t % 2 === 0 ? 1 : 0];
    const free = backtest({ returns: [spyReturns], targetWeights: flip, costBps: 0 });
    const paid = backtest({ returns: [spyReturns], targetWeights: flip, costBps: 10 });
    expect(paid.turnover).toEqual(free.turnover);
    for (let t = 0; t < n - 1; t++) {
      expect(paid.turnover[t]).toBe(1); // 0 → 1 buys 1; 1 → 0 sells the (undrifted) full position
      expect(paid.costs[t]).toBeCloseTo(0.001, 15);
      expect(free.costs[t]).toBe(0);
      const expected = (1 + free.returns[t + 1]!) * (1 - 0.001 * paid.turnover[t]!);
      expect(Math.abs(1 + paid.returns[t + 1]! - expected)).toBeLessThan(1e-15);
    }
    const drag = paid.equity[n - 1]! / free.equity[n - 1]!;
    expect(drag / 0.999 ** (n - 1) - 1).toBeCloseTo(0, 9);
    expect(paid.stats.turnover).toBe(1);
    expect(paid.stats.annualTurnover).toBe(252);
  });
});

describe('weights, drift, missing data', () => {
  const a = Float64Array.from([0, 0.1, 0, -0.5, 0]);
  const b = Float64Array.from([0, 0, 0, 0, 0]);
  const c = Float64Array.from([NaN, NaN, 0, 0.2, NaN]);

  it('drifts between rebalances and pays costs only on the trades', () => {
    const res = backtest({
      returns: [a, b],
      targetWeights: (t) => (t === 0 ? [0.5, 0.5] : null),
      costBps: 100,
    });
    expect(res.weights[0]![1]).toBeCloseTo(0.55 / 1.05, 15);
    expect(res.returns[1]).toBeCloseTo(0.99 * 1.05 - 1, 15);
    expect(res.turnover.subarray(1).every((x) => x === 0)).toBe(true);
  });

  it('renormalises over tradable assets, or leaves the freed weight in cash', () => {
    const eq = () => [1 / 3, 1 / 3, 1 / 3];
    const renorm = backtest({ returns: [a, b, c], targetWeights: eq, costBps: 0 });
    expect(renorm.weights.map((w) => w[0])).toEqual([0.5, 0.5, 0]);
    expect(renorm.weights[2]![2]).toBeCloseTo(1 / 3, 15); // listed at bar 2 → tradable
    // last bar: no decision; c (NaN return on bar 4) is carried, the book merely drifts (g = 0)
    renorm.weights.forEach((w) => expect(w[4]).toBeCloseTo(1 / 3, 15));
    const cash = backtest({ returns: [a, b, c], targetWeights: eq, costBps: 0, nanPolicy: 'cash' });
    expect(cash.weights.map((w) => w[0])).toEqual([1 / 3, 1 / 3, 0]);
    expect(cash.returns[1]).toBeCloseTo(0.1 / 3, 15);
  });

  it('a held asset with a NaN return earns 0 and is closed at the next rebalance', () => {
    const x = Float64Array.from([0, 0, 0.1, NaN, 0.3, 0]);
    const y = new Float64Array(6);
    const res = backtest({ returns: [x, y], targetWeights: () => [0.5, 0.5], costBps: 0 });
    expect(res.returns[2]).toBeCloseTo(0.05, 15);
    expect(res.returns[3]).toBe(0); // x unpriced over bar 3: marked at its last price
    expect(res.weights.map((w) => w[3])).toEqual([0, 1]); // x not tradable at 3 → sold, y scaled up
    expect(res.turnover[3]).toBeCloseTo(0.5 / 1.05 + (1 - 0.5 / 1.05), 15);
    expect(res.returns[4]).toBe(0); // x's +30% on bar 4 is not earned: it was not held
    expect(res.weights.map((w) => w[4])).toEqual([0.5, 0.5]);
  });

  it('matrix input: an all-NaN row keeps the holdings; rebalanceEvery skips bars', () => {
    const w = [Float64Array.from([1, NaN, 0, NaN, NaN])];
    const res = backtest({ returns: [a], targetWeights: w, costBps: 0 });
    expect([...res.turnover]).toEqual([1, 0, 1, 0, 0]);
    const calls: number[] = [];
    backtest({ returns: [a], costBps: 0, rebalanceEvery: 2, targetWeights: (t) => (calls.push(t), null) });
    expect(calls).toEqual([0, 2]);
    expect(() => backtest({ returns: [a], targetWeights: () => [1, 2], costBps: 0 })).toThrow(RangeError);
    expect(() => backtest({ returns: [a, c], targetWeights: () => [NaN, 1], costBps: 0 })).toThrow(
      RangeError,
    );
  });
});
