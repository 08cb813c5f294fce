/**
 * Walk-forward evaluation: fit on a train window, trade only the following test window, roll on.
 *
 * Ranges are half-open bar ranges [start, end). For each split: train.end + gap = test.start
 * (the optional gap/embargo purges bars whose labels would overlap the test window), test windows
 * are consecutive, never overlap (step ≥ testSize) and together cover [trainSize + gap, n) when
 * step = testSize (the last one may be shorter). Rolling train windows have trainSize bars;
 * anchored ones start at 0 and grow.
 */
import { backtest, type BacktestOptions, type BacktestResult, type BacktestView } from './backtester';
import { performanceStats, type PerformanceStats } from './metrics';

export type Range = [start: number, end: number];

export interface Split {
  train: Range;
  test: Range;
}

export interface WalkForwardOptions {
  /** Number of bars. */
  n: number;
  trainSize: number;
  testSize: number;
  /** Bars between consecutive test starts. Default testSize; must be ≥ testSize. */
  step?: number;
  /** Bars left out between train end and test start. Default 0. */
  gap?: number;
  /** Expanding train window from bar 0 instead of a rolling one. Default false. */
  anchored?: boolean;
}

const isCount = (x: number, min: number) => Number.isInteger(x) && x >= min;

export function walkForward(options: WalkForwardOptions): Split[] {
  const { n, trainSize, testSize, step = testSize, gap = 0, anchored = false } = options;
  if (!isCount(n, 0) || !isCount(trainSize, 1) || !isCount(testSize, 1) || !isCount(gap, 0))
    throw new RangeError('walkForward: n, gap ≥ 0 and trainSize, testSize ≥ 1 must be integers');
  if (!isCount(step, testSize)) throw new RangeError(`walkForward: step ${step} < testSize ${testSize}`);
  const splits: Split[] = [];
  for (let s = trainSize + gap; s < n; s += step) {
    const trainEnd = s - gap;
    splits.push({
      train: [anchored ? 0 : trainEnd - trainSize, trainEnd],
      test: [s, Math.min(s + testSize, n)],
    });
  }
  return splits;
}

export interface WalkForwardResult<M> {
  splits: Split[];
  /** models[k] was fitted on splits[k].train only. */
  models: M[];
  /** The continuous backtest (flat outside test windows; holdings carry across adjacent windows). */
  backtest: BacktestResult;
  /** Net returns of the test-window bars, concatenated in order (out of sample). */
  oosReturns: Float64Array;
  /** Bar index of each oosReturns entry. */
  oosBars: Int32Array;
  stats: PerformanceStats;
}

export type WalkForwardBacktestOptions = Omit<BacktestOptions, 'targetWeights' | 'start'>;

/**
 * Fits fitOnTrain on each split's train window (it receives per-asset views of exactly
 * returns[train.start .. train.end), nothing else) and trades weightsFromModel(model_k, t, view)
 * for every decision t whose next bar t + 1 lies in split k's test window, so each test bar is
 * earned with a model that never saw it. Outside test windows the book is flat. `rebalanceEvery`
 * counts from each test window's start, and every window's first bar is a rebalance.
 */
export function runWalkForward<M>(
  splits: readonly Split[],
  fitOnTrain: (train: readonly Float64Array[], split: Split) => M,
  weightsFromModel: (model: M, t: number, view: BacktestView) => ArrayLike<number> | null,
  options: WalkForwardBacktestOptions,
): WalkForwardResult<M> {
  const { returns, rebalanceEvery = 1 } = options;
  const nBars = returns[0]?.length ?? 0;
  if (splits.length === 0) throw new RangeError('runWalkForward: no splits');
  splits.forEach(({ train, test }, k) => {
    const prevEnd = k > 0 ? splits[k - 1]!.test[1] : 0;
    if (!(
      train[0] >= 0 &&
      train[0] < train[1] &&
      train[1] <= test[0] &&
      test[0] < test[1] &&
      test[1] <= nBars
    ))
      throw new RangeError(`runWalkForward: split ${k} is not train < test inside [0, ${nBars})`);
    if (test[0] < prevEnd) throw new RangeError(`runWalkForward: test window ${k} overlaps the previous one`);
  });
  const models = splits.map((split) =>
    fitOnTrain(
      returns.map((r) => r.subarray(split.train[0], split.train[1])),
      { train: [...split.train], test: [...split.test] },
    ),
  );

  const flat = new Float64Array(returns.length);
  let k = 0;
  let wasFlat = true;
  const targetWeights = (t: number, view: BacktestView): ArrayLike<number> | null => {
    const bar = t + 1; // the bar these weights will earn
    while (k < splits.length && splits[k]!.test[1] <= bar) k++;
    const split = splits[k];
    if (split === undefined || bar < split.test[0]) {
      if (wasFlat) return null;
      wasFlat = true;
      return flat;
    }
    wasFlat = false;
    if ((bar - split.test[0]) % rebalanceEvery !== 0) return null;
    return weightsFromModel(models[k]!, t, view);
  };
  const result = backtest({ ...options, rebalanceEvery: 1, start: splits[0]!.test[0] - 1, targetWeights });

  const oosBars = Int32Array.from(splits.flatMap(({ test }) => range(test[0], test[1])));
  const oosReturns = Float64Array.from(oosBars, (t) => result.returns[t]!);
  const oosTurnover = Float64Array.from(oosBars, (t) => result.turnover[t - 1]!);
  const stats = performanceStats(oosReturns, {
    periodsPerYear: options.periodsPerYear ?? 252,
    riskFree: options.riskFree ?? 0,
    turnover: oosTurnover,
  });
  return { splits: [...splits], models, backtest: result, oosReturns, oosBars, stats };
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
