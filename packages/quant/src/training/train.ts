/**
 * One training run, pure and deterministic given (input, config): fit the regime HMM on the
 * training window only and filter every bar causally, build the dataset, train the three
 * specialists on the training window (early stopping on validation), train the
 * meta-controller on the specialists' out-of-sample returns in the validation window (early
 * stopping on its last `metaHoldout` fraction), then trade the untouched test window with
 * the backtester: the blend, each specialist alone, and buy-and-hold.
 *
 * The returned parameters are plain arrays in the shapes the engine's graph builders take
 * (quant must not depend on engine, so the types are declared here and converted there:
 * models/src/graphs/from-trained.ts).
 */
import { backtest } from '../backtest/backtester';
import { backtestReturns } from '../backtest/returns';
import { fitGaussianHmm } from '../regime/hmm';
import { forwardFilter } from '../regime/filter';
import { labelStates, regimeProbabilities, REGIME_LABELS, type RegimeLabel } from '../regime/labels';
import type { HmmParams } from '../regime/model';
import { DEFAULT_SMOOTHING_HALF_LIFE, smoothRegimeProbabilities } from '../regime/smoothing';
import { regimeObservations } from '../regime/observations';
import {
  buildDataset,
  calendarRange,
  FEATURE_COUNT,
  featureScaling,
  gather,
  REGIME_COUNT,
  standardise,
  type DatasetSplits,
  type FeatureScaling,
  type SymbolBars,
  type TrainingDataset,
} from './dataset';
import type { EpochRecord } from './optimiser';
import {
  DEFAULT_META_TRAINING,
  metaControllerForward,
  trainMetaController,
  type BanditSplit,
  type MetaControllerTrainingConfig,
  type TrainedMetaController,
} from './meta-controller';
import {
  DEFAULT_SPECIALIST_TRAINING,
  specialistForward,
  TRAINED_SPECIALISTS,
  trainSpecialist,
  type SpecialistSplit,
  type SpecialistTrainingConfig,
  type TrainedSpecialist,
} from './specialists';

export interface ModelSetTrainingInput {
  /** The market index whose regime conditions everything (SPY); its dates are the calendar. */
  market: SymbolBars;
  /** The traded universe (may include the market itself). */
  symbols: readonly SymbolBars[];
}

export interface RegimeTrainingConfig {
  restarts: number;
  maxIter: number;
  tol: number;
  volWindow: number;
  /**
   * Half-life in bars of the causal EMA on the filtered probabilities: the engine serves the
   * regime smoothed (DEFAULT_SMOOTHING_HALF_LIFE unless the regime model stores another), so the
   * models learn on the input they are served.
   */
  smoothingHalfLife: number;
}

export interface ModelSetTrainingConfig {
  /** Seeds the HMM restarts, the specialists' and the meta-controller's initialisation. */
  seed: number;
  splits: DatasetSplits;
  regime: RegimeTrainingConfig;
  specialists: SpecialistTrainingConfig;
  metaController: MetaControllerTrainingConfig;
  /** Fraction of the validation window (its last dates) held out of the meta-controller's fit. */
  metaHoldout: number;
  /** Trading cost per unit of traded notional in the test backtest, basis points. */
  costBps: number;
}

export const DEFAULT_MODEL_SET_TRAINING: Omit<ModelSetTrainingConfig, 'splits'> = {
  seed: 42,
  regime: {
    restarts: 3,
    maxIter: 100,
    tol: 1e-6,
    volWindow: 20,
    smoothingHalfLife: DEFAULT_SMOOTHING_HALF_LIFE,
  },
  specialists: DEFAULT_SPECIALIST_TRAINING,
  metaController: DEFAULT_META_TRAINING,
  metaHoldout: 0.3,
  costBps: 5,
};

/** The stages of `trainModelSet`, in order. */
export type TrainingCoreStage = 'regime' | 'specialists' | 'meta-controller' | 'backtest';

/** One epoch of one model, as it ends. */
export interface TrainingEpochEvent extends EpochRecord {
  stage: 'specialists' | 'meta-controller';
  /** The specialist's name, or `meta-controller`. */
  model: string;
  /** Its index among the stage's models (0 for the meta-controller) and their count. */
  index: number;
  count: number;
  /** The epoch budget (early stopping usually ends sooner). */
  maxEpochs: number;
}

/**
 * Observers of a run, for progress reporting: called synchronously from inside it, they see
 * the run but cannot change it (the result is the same with or without them).
 */
export interface TrainingObserver {
  onStage?(stage: TrainingCoreStage): void;
  onEpoch?(event: Readonly<TrainingEpochEvent>): void;
}

/** Test-window figures of one strategy (daily bars, costs included). */
export interface StrategyFigures {
  sharpe: number;
  annualReturn: number;
  maxDrawdown: number;
  /** Traded fraction of equity per year. */
  annualTurnover: number;
  totalReturn: number;
}

export type TestStrategy = 'blend' | (typeof TRAINED_SPECIALISTS)[number] | 'buy-and-hold';

export interface TrainedModelSet {
  featureScaling: FeatureScaling;
  /** Train-window RMS return ρ that scales the rewards. */
  returnScale: number;
  regime: { params: HmmParams; labels: RegimeLabel[]; logLikelihood: number };
  specialists: TrainedSpecialist[];
  metaController: TrainedMetaController;
  metrics: {
    samples: Record<keyof DatasetSplits, number>;
    /** Per strategy, on the test window. */
    test: Record<TestStrategy, StrategyFigures>;
    /** Mean meta-controller weight of each specialist over the test window. */
    testMeanWeights: number[];
  };
  /**
   * The held-out (test-window) batch in model-input layout, for the ONNX parity check and for
   * backtesting other models on the same window (`backtestHeldOut`).
   */
  heldOut: HeldOutBatch;
}

/** The test window's samples and what its backtests trade on. */
export interface HeldOutBatch {
  size: number;
  /** Row-major [size, F] raw features (null → 0), the models' input. */
  features: Float64Array;
  /** Row-major [size, 3] causal regime probabilities. */
  regime: Float64Array;
  /** [size] bar of each sample, counted from the test window's first bar. */
  bar: Int32Array;
  /** [size] index of each sample's symbol (input order). */
  symbol: Int32Array;
  /** Per symbol, simple returns over the test window's bars (NaN where it has no price). */
  returns: Float64Array[];
}

/**
 * Calendar-aligned causal regime probabilities, HMM fitted on bars up to `fitTo` only, filtered
 * and smoothed causally as the engine serves them.
 */
export function causalRegime(market: SymbolBars, fitTo: string, config: RegimeTrainingConfig, seed: number) {
  const { obs, firstIndex } = regimeObservations(market.bars.close, config.volWindow);
  const fitCount = market.dates.slice(firstIndex).filter((d) => d <= fitTo).length;
  const fit = fitGaussianHmm(obs.slice(0, fitCount), {
    states: REGIME_COUNT,
    restarts: config.restarts,
    maxIter: config.maxIter,
    tol: config.tol,
    seed,
  });
  const labels = labelStates(fit.params);
  const rows = smoothRegimeProbabilities(
    regimeProbabilities(forwardFilter(obs, fit.params), labels),
    config.smoothingHalfLife,
  );
  const probs = new Float64Array(market.dates.length * REGIME_COUNT).fill(NaN);
  rows.forEach((row, i) =>
    REGIME_LABELS.forEach((label, k) => (probs[(firstIndex + i) * REGIME_COUNT + k] = row[label])),
  );
  return { probs, params: fit.params, labels, logLikelihood: fit.logLikelihood };
}

function specialistSplit(
  data: TrainingDataset,
  idx: Int32Array,
  scaling: FeatureScaling,
  rho: number,
): SpecialistSplit {
  return {
    z: standardise(data, idx, scaling),
    target: gather(data.target, idx),
    returnScale: rho,
    regime: gather(data.regime, idx, REGIME_COUNT),
  };
}

function banditSplit(
  data: TrainingDataset,
  idx: Int32Array,
  scaling: FeatureScaling,
  rho: number,
  specialists: readonly TrainedSpecialist[],
): BanditSplit {
  const S = specialists.length;
  const rewards = new Float64Array(idx.length * S);
  idx.forEach((i, r) => {
    specialists.forEach((s, k) => {
      const signal = specialistForward(s.params, data.features, i * FEATURE_COUNT);
      rewards[r * S + k] = (signal * data.target[i]!) / rho;
    });
  });
  return { regime: gather(data.regime, idx, REGIME_COUNT), z: standardise(data, idx, scaling), rewards };
}

export function trainModelSet(
  input: ModelSetTrainingInput,
  config: ModelSetTrainingConfig,
  observer: TrainingObserver = {},
): TrainedModelSet {
  const { seed, splits } = config;
  if (!(config.metaHoldout > 0 && config.metaHoldout < 1))
    throw new RangeError(`trainModelSet: metaHoldout ${config.metaHoldout} must be in (0, 1)`);
  const epochs =
    (stage: TrainingEpochEvent['stage'], model: string, index: number, count: number, maxEpochs: number) =>
    (record: Readonly<EpochRecord>) =>
      observer.onEpoch?.({ ...record, stage, model, index, count, maxEpochs });
  observer.onStage?.('regime');
  const regime = causalRegime(input.market, splits.train.to, config.regime, seed);
  const data = buildDataset({
    calendar: input.market.dates,
    regime: regime.probs,
    symbols: input.symbols,
    splits,
  });
  const { train, validation, test } = data.splits;
  const scaling = featureScaling(data, train);
  let sq = 0;
  for (const i of train) sq += data.target[i]! ** 2;
  const rho = Math.sqrt(sq / train.length);

  const specTrain = specialistSplit(data, train, scaling, rho);
  const specValid = specialistSplit(data, validation, scaling, rho);
  observer.onStage?.('specialists');
  const specialists = TRAINED_SPECIALISTS.map((name, k) =>
    trainSpecialist(
      name,
      specTrain,
      specValid,
      scaling,
      config.specialists,
      seed + 1 + k,
      epochs('specialists', name, k, TRAINED_SPECIALISTS.length, config.specialists.maxEpochs),
    ),
  );

  // Meta-controller: fit on the first part of the validation window, stop on the rest.
  const times = Array.from(validation, (i) => data.time[i]!);
  const cut = times[Math.floor(times.length * (1 - config.metaHoldout))]!;
  const metaFit = validation.filter((i) => data.time[i]! < cut);
  const metaStop = validation.filter((i) => data.time[i]! >= cut);
  observer.onStage?.('meta-controller');
  const metaController = trainMetaController(
    TRAINED_SPECIALISTS,
    banditSplit(data, metaFit, scaling, rho, specialists),
    banditSplit(data, metaStop, scaling, rho, specialists),
    scaling,
    config.metaController,
    seed + 100,
    epochs('meta-controller', 'meta-controller', 0, 1, config.metaController.maxEpochs),
  );

  observer.onStage?.('backtest');
  const heldOut = heldOutBatch(data, splits);
  const evaluation = evaluateTestWindow(data, heldOut, specialists, metaController, config.costBps);
  return {
    featureScaling: scaling,
    returnScale: rho,
    regime: { params: regime.params, labels: regime.labels, logLikelihood: regime.logLikelihood },
    specialists,
    metaController,
    metrics: {
      samples: { train: train.length, validation: validation.length, test: test.length },
      test: evaluation.figures,
      testMeanWeights: evaluation.meanWeights,
    },
    heldOut,
  };
}

/**
 * The test-window batch: samples in split order, each with its window-relative bar and symbol,
 * and every symbol's returns over the window.
 */
function heldOutBatch(data: TrainingDataset, splits: DatasetSplits): HeldOutBatch {
  const [a, b] = calendarRange(data.calendar, splits.test);
  const test = data.splits.test;
  return {
    size: test.length,
    features: gather(data.features, test, FEATURE_COUNT),
    regime: gather(data.regime, test, REGIME_COUNT),
    bar: Int32Array.from(test, (i) => data.time[i]! - a),
    symbol: Int32Array.from(test, (i) => data.symbol[i]!),
    returns: data.closes.map((c) => backtestReturns(c).slice(a, b + 1)),
  };
}

/**
 * Trades the test window on per-sample positions in [-1, 1] (decided at the close of t from
 * x_t, held over t + 1): each symbol gets 1/n of equity times its position, with costs. Every
 * strategy of the run and any other model set (the job backtests the bootstrap set with it)
 * goes through this one function, so their figures compare like for like.
 */
export function backtestHeldOut(
  heldOut: HeldOutBatch,
  positions: Float64Array,
  costBps: number,
): StrategyFigures {
  if (positions.length !== heldOut.size)
    throw new RangeError(`backtestHeldOut: ${positions.length} positions for ${heldOut.size} samples`);
  const nSym = heldOut.returns.length;
  const len = heldOut.returns[0]?.length ?? 0;
  const targetWeights = Array.from({ length: nSym }, () => new Float64Array(len));
  for (let i = 0; i < heldOut.size; i++)
    targetWeights[heldOut.symbol[i]!]![heldOut.bar[i]!] = positions[i]! / nSym;
  return strategyFigures(heldOut.returns, targetWeights, costBps);
}

function strategyFigures(
  returns: readonly Float64Array[],
  targetWeights: readonly Float64Array[],
  costBps: number,
): StrategyFigures {
  const { stats } = backtest({ returns, targetWeights, costBps });
  return {
    sharpe: stats.sharpe,
    annualReturn: stats.cagr,
    maxDrawdown: stats.maxDrawdown,
    annualTurnover: stats.annualTurnover,
    totalReturn: stats.totalReturn,
  };
}

/**
 * The run's own test-window figures: the blend, each specialist alone, and buy-and-hold
 * (1/n of each symbol bought at the first close, never traded again).
 */
function evaluateTestWindow(
  data: TrainingDataset,
  heldOut: HeldOutBatch,
  specialists: readonly TrainedSpecialist[],
  meta: TrainedMetaController,
  costBps: number,
) {
  const S = specialists.length;
  const n = heldOut.size;
  const blend = new Float64Array(n);
  const alone = specialists.map(() => new Float64Array(n));
  const weightSums = new Array<number>(S).fill(0);
  data.splits.test.forEach((i, r) => {
    const w = metaControllerForward(
      meta.params,
      data.regime,
      data.features,
      i * REGIME_COUNT,
      i * FEATURE_COUNT,
    );
    for (let k = 0; k < S; k++) {
      const signal = specialistForward(specialists[k]!.params, data.features, i * FEATURE_COUNT);
      blend[r] = blend[r]! + w[k]! * signal;
      weightSums[k] = weightSums[k]! + w[k]!;
      alone[k]![r] = signal;
    }
  });
  const figures = {} as Record<TestStrategy, StrategyFigures>;
  figures.blend = backtestHeldOut(heldOut, blend, costBps);
  specialists.forEach((s, k) => (figures[s.name] = backtestHeldOut(heldOut, alone[k]!, costBps)));
  const nSym = heldOut.returns.length;
  const hold = heldOut.returns.map((r) => new Float64Array(r.length).fill(NaN));
  for (const h of hold) h[0] = 1 / nSym;
  figures['buy-and-hold'] = strategyFigures(heldOut.returns, hold, costBps);
  return { figures, meanWeights: weightSums.map((x) => x / n) };
}
