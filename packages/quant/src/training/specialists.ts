/**
 * Trained specialists: the same model family the engine's ONNX graph expresses,
 *   signal_t = tanh(x_t · w + b)  ∈ (−1, 1)          (x_t: raw feature row, contract order)
 * fitted on standardised inputs z = (x − μ)/σ and folded back afterwards
 * (w_f = θ_f/σ_f, b = b_z − Σ_f μ_f θ_f/σ_f), so the exported graph is MatMul → Add → Tanh → Clip
 * with no scaling ops.
 *
 * Objective (chosen over an MSE to a scaled target): the regime-weighted mean-variance utility
 * of the position's next-bar return, maximised by full-batch Adam,
 *   L(θ, b) = −Σ_t ω_t [ s_t r_{t+1} − (γ/2) s_t² r²_{t+1} ] / (ρ² Σ_t ω_t) + λ‖θ‖²,
 * with ρ = RMS of the train window's returns (dividing by ρ² makes the loss unit-free, so λ
 * and the learning rate do not depend on the asset's volatility, while γ keeps its meaning).
 * Why: it trains the signal on what the engine does with it (a position earning r_{t+1}); its
 * pointwise optimum s* = E[r|x] / (γ E[r²|x]) is the mean-variance growth-optimal position
 * (γ = 1: full Kelly, γ = 2: half Kelly), so γ sets the leverage the model asks for before
 * tanh bounds it to ±1, and the quadratic term keeps the objective from pushing every
 * signal to ±1 the way a plain −Σ s·r would. An MSE to r would spend capacity on predicting
 * the size of returns rather than on the position's profit.
 *
 * Regime emphasis: ω_t = P(regime of the specialist | bars ≤ t), from the causal filter
 * (momentum ↔ bull, mean-reversion ↔ sideways, defensive ↔ bear); `regimeWeighting: false`
 * gives ω_t = 1 (a plain, regime-agnostic fit: the ablation the tests compare with).
 * Early stopping on the validation window's (regime-weighted, penalty-free) loss restores the
 * best epoch.
 */
import { featureNames, type FeatureName } from '../features/feature-names';
import { mulberry32 } from '../features/lookahead';
import { REGIME_LABELS, type RegimeLabel } from '../regime/labels';
import { FEATURE_COUNT, REGIME_COUNT, type FeatureScaling } from './dataset';
import {
  adamWithEarlyStopping,
  type EarlyStoppingConfig,
  type EpochObserver,
  type EpochRecord,
} from './optimiser';

/** The engine's specialist names (specialists.ts there); momentum is the trend follower. */
export const TRAINED_SPECIALISTS = ['momentum', 'mean-reversion', 'defensive'] as const;
export type TrainedSpecialistName = (typeof TRAINED_SPECIALISTS)[number];

/** The regime whose probability weights each specialist's samples. */
export const SPECIALIST_REGIME: Record<TrainedSpecialistName, RegimeLabel> = {
  momentum: 'bull',
  'mean-reversion': 'sideways',
  defensive: 'bear',
};

export interface SpecialistTrainingConfig extends EarlyStoppingConfig {
  /** γ: risk aversion of the utility (the signal's optimum is E[r|x] / (γ E[r²|x]); 2 = half Kelly). */
  riskAversion: number;
  /** λ on ‖θ‖² (standardised weights; the bias is not penalised). */
  l2: number;
  /** Initial θ drawn uniformly in [−initScale, initScale] from the seed. */
  initScale: number;
  /** Weight samples by the specialist's regime probability (default true). */
  regimeWeighting: boolean;
  /** Features the specialist may use (default: all); the others keep a weight of exactly 0. */
  inputs?: readonly FeatureName[];
}

export const DEFAULT_SPECIALIST_TRAINING: SpecialistTrainingConfig = {
  learningRate: 0.02,
  maxEpochs: 400,
  patience: 40,
  minDelta: 1e-6,
  riskAversion: 2,
  l2: 1e-3,
  initScale: 0.05,
  regimeWeighting: true,
};

/** clip(tanh(x · weights + bias), −1, 1) on RAW feature rows: what the engine's graph holds. */
export interface LinearTanhParams {
  /** [F], contract order, already divided by the scaling. */
  weights: number[];
  bias: number;
}

/** The plain-TypeScript forward pass (float64) of a trained specialist on one raw row. */
export function specialistForward(p: LinearTanhParams, row: ArrayLike<number>, offset = 0): number {
  let z = p.bias;
  for (let f = 0; f < p.weights.length; f++) z += row[offset + f]! * p.weights[f]!;
  return Math.tanh(z);
}

/** Training inputs of one split: standardised features, scaled next-bar returns, regime rows. */
export interface SpecialistSplit {
  /** Row-major [n, F] standardised features. */
  z: Float64Array;
  /** [n] next-bar simple return r_{t+1}. */
  target: Float64Array;
  /** ρ: the loss is divided by ρ² (the train window's RMS return; the same for every split). */
  returnScale: number;
  /** Row-major [n, 3] regime probabilities. */
  regime: Float64Array;
}

export interface TrainedSpecialist {
  name: TrainedSpecialistName;
  regime: RegimeLabel;
  params: LinearTanhParams;
  bestEpoch: number;
  stoppedEpoch: number;
  history: EpochRecord[];
  /** Best (penalty-free) validation loss = history[bestEpoch].validationLoss. */
  validationLoss: number;
}

function sampleWeights(split: SpecialistSplit, regime: RegimeLabel, enabled: boolean): Float64Array {
  const n = split.target.length;
  const k = REGIME_LABELS.indexOf(regime);
  return Float64Array.from({ length: n }, (_, i) => (enabled ? split.regime[i * REGIME_COUNT + k]! : 1));
}

/** Utility loss of θ = [θ_0..θ_{F−1}, b] on a split (no penalty); optional gradient (penalty-free). */
function utilityLoss(
  theta: Float64Array,
  split: SpecialistSplit,
  omega: Float64Array,
  gamma: number,
  grad?: Float64Array,
): number {
  const F = FEATURE_COUNT;
  const n = split.target.length;
  let wSum = 0;
  for (let i = 0; i < n; i++) wSum += omega[i]!;
  if (!(wSum > 0)) return 0;
  grad?.fill(0);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const w = omega[i]!;
    if (w === 0) continue;
    let logit = theta[F]!;
    for (let f = 0; f < F; f++) logit += split.z[i * F + f]! * theta[f]!;
    const s = Math.tanh(logit);
    const r = split.target[i]!;
    loss -= w * (s * r - 0.5 * gamma * s * s * r * r);
    if (grad) {
      const dLogit = (-w * (r - gamma * s * r * r) * (1 - s * s)) / (wSum * split.returnScale ** 2);
      for (let f = 0; f < F; f++) grad[f] = grad[f]! + dLogit * split.z[i * F + f]!;
      grad[F] = grad[F]! + dLogit;
    }
  }
  return loss / (wSum * split.returnScale ** 2);
}

export function trainSpecialist(
  name: TrainedSpecialistName,
  train: SpecialistSplit,
  validation: SpecialistSplit,
  scaling: FeatureScaling,
  config: SpecialistTrainingConfig,
  seed: number,
  onEpoch?: EpochObserver,
): TrainedSpecialist {
  const F = FEATURE_COUNT;
  const regime = SPECIALIST_REGIME[name];
  const allowed = featureNames.map((f) => (config.inputs ? config.inputs.includes(f) : true));
  const trainW = sampleWeights(train, regime, config.regimeWeighting);
  const validW = sampleWeights(validation, regime, config.regimeWeighting);
  const random = mulberry32(seed);
  const initial = new Float64Array(F + 1);
  for (let f = 0; f < F; f++) {
    const u = (2 * random() - 1) * config.initScale;
    initial[f] = allowed[f] ? u : 0;
  }
  const result = adamWithEarlyStopping(
    initial,
    {
      lossAndGradient(theta, grad) {
        const loss = utilityLoss(theta, train, trainW, config.riskAversion, grad);
        let penalty = 0;
        for (let f = 0; f < F; f++) {
          penalty += config.l2 * theta[f]! ** 2;
          grad[f] = allowed[f] ? grad[f]! + 2 * config.l2 * theta[f]! : 0;
        }
        return loss + penalty;
      },
      validationLoss: (theta) => utilityLoss(theta, validation, validW, config.riskAversion),
    },
    config,
    onEpoch,
  );
  return {
    name,
    regime,
    params: foldScaling(result.params, scaling),
    bestEpoch: result.bestEpoch,
    stoppedEpoch: result.stoppedEpoch,
    history: result.history,
    validationLoss: result.history[result.bestEpoch]!.validationLoss,
  };
}

/** θ over standardised inputs → weights over raw inputs (the exported graph has no scaling ops). */
function foldScaling(theta: Float64Array, scaling: FeatureScaling): LinearTanhParams {
  const F = FEATURE_COUNT;
  const weights = Array.from({ length: F }, (_, f) => theta[f]! / scaling.scale[f]!);
  let bias = theta[F]!;
  for (let f = 0; f < F; f++) bias -= scaling.mean[f]! * weights[f]!;
  return { weights, bias };
}
