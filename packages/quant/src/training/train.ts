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
 * engine/src/models/from-trained.ts).
 */
import { backtest } from '../backtest/backtester';
import { backtestReturns } from '../backtest/returns';
import { fitGaussianHmm } from '../regime/hmm';
import { forwardFilter } from '../regime/filter';
import { labelStates, regimeProbabilities, REGIME_LABELS, type RegimeLabel } from '../regime/labels';
import type { HmmParams } from '../regime/model';
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
  regime: { restarts: 3, maxIter: 100, tol: 1e-6, volWindow: 20 },
  specialists: DEFAULT_SPECIALIST_TRAINING,
  metaController: DEFAULT_META_TRAINING,
  metaHoldout: 0.3,
  costBps: 5,
};

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
  /** The held-out (test-window) batch in model-input layout, for the ONNX parity check. */
  heldOut: { size: number; features: Float64Array; regime: Float64Array };
}

/** Calendar-aligned causal regime probabilities, HMM fitted on bars up to `fitTo` only. */
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
  const rows = regimeProbabilities(forwardFilter(obs, fit.params), labels);
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

export function trainModelSet(input: ModelSetTrainingInput, config: ModelSetTrainingConfig): TrainedModelSet {
  const { seed, splits } = config;
  if (!(config.metaHoldout > 0 && config.metaHoldout < 1))
    throw new RangeError(`trainModelSet: metaHoldout ${config.metaHoldout} must be in (0, 1)`);
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
  const specialists = TRAINED_SPECIALISTS.map((name, k) =>
    trainSpecialist(name, specTrain, specValid, scaling, config.specialists, seed + 1 + k),
  );

  // Meta-controller: fit on the first part of the validation window, stop on the rest.
  const times = Array.from(validation, (i) => data.time[i]!);
  const cut = times[Math.floor(times.length * (1 - config.metaHoldout))]!;
  const metaFit = validation.filter((i) => data.time[i]! < cut);
  const metaStop = validation.filter((i) => data.time[i]! >= cut);
  const metaController = trainMetaController(
    TRAINED_SPECIALISTS,
    banditSplit(data, metaFit, scaling, rho, specialists),
    banditSplit(data, metaStop, scaling, rho, specialists),
    scaling,
    config.metaController,
    seed + 100,
  );

  const evaluation = evaluateTestWindow(data, splits, specialists, metaController, config.costBps);
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
    heldOut: {
      size: test.length,
      features: gather(data.features, test, FEATURE_COUNT),
      regime: gather(data.regime, test, REGIME_COUNT),
    },
  };
}

/**
 * Trades the test window: each symbol gets 1/n of equity times the strategy's position
 * (decided at the close of t from x_t, held over t + 1); buy-and-hold buys 1/n of each at the
 * first close and never trades again.
 */
function evaluateTestWindow(
  data: TrainingDataset,
  splits: DatasetSplits,
  specialists: readonly TrainedSpecialist[],
  meta: TrainedMetaController,
  costBps: number,
) {
  const [a, b] = calendarRange(data.calendar, splits.test);
  const nSym = data.symbols.length;
  const len = b - a + 1;
  const returns = data.closes.map((c) => backtestReturns(c).slice(a, b + 1));
  const S = specialists.length;
  const matrices = {
    blend: Array.from({ length: nSym }, () => new Float64Array(len)),
    ...Object.fromEntries(
      specialists.map((s) => [s.name, Array.from({ length: nSym }, () => new Float64Array(len))]),
    ),
  } as Record<Exclude<TestStrategy, 'buy-and-hold'>, Float64Array[]>;
  const weightSums = new Array<number>(S).fill(0);
  for (const i of data.splits.test) {
    const t = data.time[i]! - a;
    const s = data.symbol[i]!;
    const signals = specialists.map((sp) => specialistForward(sp.params, data.features, i * FEATURE_COUNT));
    const w = metaControllerForward(
      meta.params,
      data.regime,
      data.features,
      i * REGIME_COUNT,
      i * FEATURE_COUNT,
    );
    let blend = 0;
    for (let k = 0; k < S; k++) {
      blend += w[k]! * signals[k]!;
      weightSums[k] = weightSums[k]! + w[k]!;
      matrices[specialists[k]!.name][s]![t] = signals[k]! / nSym;
    }
    matrices.blend[s]![t] = blend / nSym;
  }
  const hold = Array.from({ length: nSym }, () => new Float64Array(len).fill(NaN));
  for (const h of hold) h[0] = 1 / nSym;
  const figures = {} as Record<TestStrategy, StrategyFigures>;
  const run = (name: TestStrategy, targetWeights: Float64Array[]) => {
    const { stats } = backtest({ returns, targetWeights, costBps });
    figures[name] = {
      sharpe: stats.sharpe,
      annualReturn: stats.cagr,
      maxDrawdown: stats.maxDrawdown,
      annualTurnover: stats.annualTurnover,
      totalReturn: stats.totalReturn,
    };
  };
  run('blend', matrices.blend);
  for (const s of specialists) run(s.name, matrices[s.name]);
  run('buy-and-hold', hold);
  const n = data.splits.test.length;
  return { figures, meanWeights: weightSums.map((x) => x / n) };
}
