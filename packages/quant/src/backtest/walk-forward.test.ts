import { describe, expect, it } from 'vitest';
import { loadSpy } from '../features/testing/real-data';
import { backtest } from './backtester';
import { performanceStats } from './metrics';
import { backtestReturns } from './returns';
import { runWalkForward, walkForward, type Split } from './walk-forward';

function checkSplits(splits: Split[], n: number, trainSize: number, gap = 0) {
  splits.forEach(({ train, test }, k) => {
    expect(train[1] + gap).toBe(test[0]); // each test follows its train (after the gap)
    expect(train[0]).toBeGreaterThanOrEqual(0);
    expect(test[1]).toBeLessThanOrEqual(n);
    expect(test[0]).toBeLessThan(test[1]);
    if (k > 0) expect(test[0]).toBeGreaterThanOrEqual(splits[k - 1]!.test[1]); // no overlap
  });
  expect(splits[0]!.test[0]).toBe(trainSize + gap);
}

describe('walkForward splits', () => {
  it('rolling: consecutive test windows cover [trainSize, n) exactly, each after its train', () => {
    const n = 1000;
    const splits = walkForward({ n, trainSize: 250, testSize: 63 });
    checkSplits(splits, n, 250);
    const covered = splits.flatMap(({ test }) =>
      Array.from({ length: test[1] - test[0] }, (_, i) => test[0] + i),
    );
    expect(covered).toEqual(Array.from({ length: n - 250 }, (_, i) => 250 + i));
    expect(splits.every(({ train }) => train[1] - train[0] === 250)).toBe(true);
    expect(splits.at(-1)!.test).toEqual([943, 1000]); // the last window is shorter
  });

  it('anchored, with a gap and a step larger than the test window', () => {
    const splits = walkForward({ n: 500, trainSize: 100, testSize: 50, step: 80, gap: 5, anchored: true });
    checkSplits(splits, 500, 100, 5);
    expect(splits.every(({ train }) => train[0] === 0)).toBe(true);
    expect(splits.map((s) => s.test)).toEqual([
      [105, 155],
      [185, 235],
      [265, 315],
      [345, 395],
      [425, 475],
    ]);
  });

  it('rejects overlapping test windows and bad sizes; no split when n ≤ trainSize', () => {
    expect(() => walkForward({ n: 100, trainSize: 10, testSize: 10, step: 5 })).toThrow(RangeError);
    expect(() => walkForward({ n: 100, trainSize: 0, testSize: 10 })).toThrow(RangeError);
    expect(walkForward({ n: 10, trainSize: 10, testSize: 5 })).toEqual([]);
  });
});

describe('runWalkForward on SPY', () => {
  const returns = [backtestReturns(loadSpy().bars.close)];
  const n = returns[0]!.length;
  const splits = walkForward({ n, trainSize: 504, testSize: 126 });
  const fitted: Array<{ split: Split; length: number; last: number }> = [];
  const calls: Array<{ t: number; model: number }> = [];
  // Model: the train window's mean daily return; trade long when it is positive, else stay flat.
  const wf = runWalkForward(
    splits,
    (train, split) => {
      const r = train[0]!;
      fitted.push({ split, length: r.length, last: r[r.length - 1]! });
      return r.reduce((a, x) => a + x, 0) / r.length;
    },
    (model, t) => {
      calls.push({ t, model });
      return [model > 0 ? 1 : 0];
    },
    { returns, costBps: 2 },
  );

  it('fits every model on exactly its train window', () => {
    expect(wf.models).toHaveLength(splits.length);
    fitted.forEach(({ split, length, last }, k) => {
      expect(split).toEqual(splits[k]);
      expect(length).toBe(split.train[1] - split.train[0]);
      expect(last).toBe(returns[0]![split.train[1] - 1]);
    });
  });

  it('trades each test bar with the model whose train window ended before it', () => {
    expect(calls.length).toBe(n - splits[0]!.test[0]);
    for (const { t, model } of calls) {
      const k = splits.findIndex(({ test }) => test[0] <= t + 1 && t + 1 < test[1]);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(model).toBe(wf.models[k]);
      expect(splits[k]!.train[1]).toBeLessThanOrEqual(t + 1);
    }
  });

  it('concatenates out-of-sample returns of the test windows; flat before the first one', () => {
    const first = splits[0]!.test[0];
    expect(wf.oosReturns.length).toBe(n - first);
    expect(wf.oosBars[0]).toBe(first);
    expect(wf.oosReturns).toEqual(wf.backtest.returns.subarray(first));
    expect(wf.backtest.returns.subarray(0, first).every((x) => x === 0)).toBe(true);
    expect(wf.stats.sharpe).toBeCloseTo(performanceStats(wf.oosReturns).sharpe, 12);
    // Equivalent to one backtest of the same decisions as a precomputed matrix.
    const w = new Float64Array(n).fill(NaN);
    for (const { t, model } of calls) w[t] = model > 0 ? 1 : 0;
    const same = backtest({ returns, costBps: 2, targetWeights: [w], start: first - 1 });
    expect(same.equity).toEqual(wf.backtest.equity);
  });

  it('rebalanceEvery counts from each test window start; a window start always rebalances', () => {
    const starts: number[] = [];
    runWalkForward(
      splits.slice(0, 3),
      () => 1,
      (_m, t) => (starts.push(t + 1), [1]),
      { returns, costBps: 0, rebalanceEvery: 50 },
    );
    const [a, b, c] = splits.map((s) => s.test[0]);
    expect(starts).toEqual([a, a! + 50, a! + 100, b, b! + 50, b! + 100, c, c! + 50, c! + 100]);
  });

  it('rejects splits whose test precedes or overlaps its train', () => {
    const bad: Split[] = [{ train: [0, 100], test: [50, 150] }];
    expect(() =>
      runWalkForward(
        bad,
        () => 0,
        () => [0],
        { returns, costBps: 0 },
      ),
    ).toThrow(RangeError);
  });
});
