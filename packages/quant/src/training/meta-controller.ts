/**
 * The meta-controller as a contextual bandit: context c_t = (regime probabilities p_t,
 * standardised features z_t), arms = the S specialists, policy
 *   π(·|c_t) = softmax(p_t · Wr + z_t · Wf + b)
 * (the engine's meta-controller graph, with the scaling folded into Wf and b on export).
 * The reward of arm k at t is specialist k's walk-forward position return R_{t,k} = s_{k,t} r̃_{t+1}
 * (its signal on data it was not fitted on).
 *
 * Method: the exact expected-reward (full-information) policy gradient, not REINFORCE. Every
 * arm's reward is observed every day (each specialist's return is known whether or not it was
 * weighted), so the expectation over the policy is a finite sum and its gradient is exact:
 *   J = mean_t [ Σ_k π_k R_{t,k} + τ H(π_t) ] − λ(‖Wr‖² + ‖Wf‖²),
 *   ∂/∂logit_k (Σ_j π_j R_j) = π_k (R_k − Σ_j π_j R_j),   ∂H/∂logit_k = −π_k (ln π_k + H).
 * REINFORCE would sample one arm per day and estimate this same gradient with a variance
 * that only a baseline partly removes; here there is nothing to estimate. Σ_k π_k R_{t,k} is
 * also exactly the blended position's return (the engine trades Σ_k π_k s_k), so the bandit
 * optimises what the blend earns. The entropy bonus τ keeps weights away from a single
 * specialist unless the evidence is strong (diversification, smoother weights at regime
 * changes). Early stopping on the mean blended reward of a held-out window (no entropy term).
 */
import { mulberry32 } from '../features/lookahead';
import { FEATURE_COUNT, REGIME_COUNT, type FeatureScaling } from './dataset';
import {
  adamWithEarlyStopping,
  type EarlyStoppingConfig,
  type EpochObserver,
  type EpochRecord,
} from './optimiser';

export interface MetaControllerTrainingConfig extends EarlyStoppingConfig {
  /** τ: weight of the mean policy entropy. */
  entropy: number;
  /** λ on ‖Wr‖² + ‖Wf‖² (b is not penalised). */
  l2: number;
  initScale: number;
}

export const DEFAULT_META_TRAINING: MetaControllerTrainingConfig = {
  learningRate: 0.02,
  maxEpochs: 400,
  patience: 40,
  minDelta: 1e-7,
  entropy: 0.01,
  l2: 1e-3,
  initScale: 0.01,
};

/** The engine's MetaControllerParams, as plain arrays over RAW features. */
export interface MetaControllerWeights {
  /** Column order of the output weights. */
  specialists: string[];
  /** [3][S], rows bull, bear, sideways. */
  regimeWeights: number[][];
  /** [F][S], rows in feature contract order. */
  featureWeights: number[][];
  /** [S] */
  bias: number[];
}

/** One split of bandit data. */
export interface BanditSplit {
  /** Row-major [n, 3]. */
  regime: Float64Array;
  /** Row-major [n, F] standardised features. */
  z: Float64Array;
  /** Row-major [n, S] rewards of each arm. */
  rewards: Float64Array;
}

export interface TrainedMetaController {
  params: MetaControllerWeights;
  bestEpoch: number;
  stoppedEpoch: number;
  /** Losses are negated rewards: validationLoss = −mean blended reward. */
  history: EpochRecord[];
  validationReward: number;
}

/** softmax(regime · Wr + row · Wf + b) on a RAW feature row (float64): the graph's maths. */
export function metaControllerForward(
  p: MetaControllerWeights,
  regime: ArrayLike<number>,
  row: ArrayLike<number>,
  regimeOffset = 0,
  rowOffset = 0,
): number[] {
  const logits = p.bias.map((b, k) => {
    let z = b;
    for (let r = 0; r < REGIME_COUNT; r++) z += regime[regimeOffset + r]! * p.regimeWeights[r]![k]!;
    for (let f = 0; f < FEATURE_COUNT; f++) z += row[rowOffset + f]! * p.featureWeights[f]![k]!;
    return z;
  });
  return softmax(logits);
}

function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let k = 0; k < logits.length; k++) max = Math.max(max, logits[k]!);
  const e = Array.from(logits, (z) => Math.exp(z - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Parameter layout θ = [Wr (3×S), Wf (F×S), b (S)], row-major. */
function layout(S: number) {
  const wr = 0;
  const wf = REGIME_COUNT * S;
  const b = wf + FEATURE_COUNT * S;
  return { wr, wf, b, size: b + S };
}

/**
 * Mean over the split of Σ_k π_k R_k (+ τ H when entropy > 0); gradient of that (ascent
 * direction) added into `grad` when given.
 */
function policyReward(
  theta: Float64Array,
  split: BanditSplit,
  S: number,
  entropy: number,
  grad?: Float64Array,
): number {
  const L = layout(S);
  const F = FEATURE_COUNT;
  const n = split.rewards.length / S;
  const logits = new Float64Array(S);
  const g = new Float64Array(S);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < S; k++) {
      let z = theta[L.b + k]!;
      for (let r = 0; r < REGIME_COUNT; r++)
        z += split.regime[i * REGIME_COUNT + r]! * theta[L.wr + r * S + k]!;
      for (let f = 0; f < F; f++) z += split.z[i * F + f]! * theta[L.wf + f * S + k]!;
      logits[k] = z;
    }
    const pi = softmax(logits);
    let blend = 0;
    let h = 0;
    for (let k = 0; k < S; k++) {
      blend += pi[k]! * split.rewards[i * S + k]!;
      if (pi[k]! > 0) h -= pi[k]! * Math.log(pi[k]!);
    }
    total += blend + entropy * h;
    if (!grad) continue;
    for (let k = 0; k < S; k++) {
      const pk = pi[k]!;
      const dEntropy = pk > 0 ? -pk * (Math.log(pk) + h) : 0;
      g[k] = (pk * (split.rewards[i * S + k]! - blend) + entropy * dEntropy) / n;
    }
    for (let k = 0; k < S; k++) {
      const gk = g[k]!;
      for (let r = 0; r < REGIME_COUNT; r++)
        grad[L.wr + r * S + k] = grad[L.wr + r * S + k]! + gk * split.regime[i * REGIME_COUNT + r]!;
      for (let f = 0; f < F; f++) grad[L.wf + f * S + k] = grad[L.wf + f * S + k]! + gk * split.z[i * F + f]!;
      grad[L.b + k] = grad[L.b + k]! + gk;
    }
  }
  return total / n;
}

export function trainMetaController(
  specialists: readonly string[],
  train: BanditSplit,
  validation: BanditSplit,
  scaling: FeatureScaling,
  config: MetaControllerTrainingConfig,
  seed: number,
  onEpoch?: EpochObserver,
): TrainedMetaController {
  const S = specialists.length;
  if (S === 0) throw new RangeError('trainMetaController: no specialists');
  for (const [name, split] of [
    ['train', train],
    ['validation', validation],
  ] as const) {
    if (split.rewards.length % S !== 0 || split.rewards.length === 0)
      throw new RangeError(`trainMetaController: ${name} rewards are not [n, ${S}]`);
  }
  const L = layout(S);
  const random = mulberry32(seed);
  const initial = new Float64Array(L.size);
  for (let j = 0; j < L.b; j++) initial[j] = (2 * random() - 1) * config.initScale;
  const result = adamWithEarlyStopping(
    initial,
    {
      lossAndGradient(theta, grad) {
        grad.fill(0);
        const reward = policyReward(theta, train, S, config.entropy, grad);
        let penalty = 0;
        for (let j = 0; j < L.b; j++) {
          penalty += config.l2 * theta[j]! ** 2;
          grad[j] = grad[j]! - 2 * config.l2 * theta[j]!;
        }
        // The optimiser descends: negate the ascent direction.
        for (let j = 0; j < L.size; j++) grad[j] = -grad[j]!;
        return -reward + penalty;
      },
      validationLoss: (theta) => -policyReward(theta, validation, S, 0),
    },
    config,
    onEpoch,
  );
  const theta = result.params;
  const regimeWeights = Array.from({ length: REGIME_COUNT }, (_, r) =>
    Array.from({ length: S }, (_, k) => theta[L.wr + r * S + k]!),
  );
  const featureWeights = Array.from({ length: FEATURE_COUNT }, (_, f) =>
    Array.from({ length: S }, (_, k) => theta[L.wf + f * S + k]! / scaling.scale[f]!),
  );
  const bias = Array.from({ length: S }, (_, k) => {
    let b = theta[L.b + k]!;
    for (let f = 0; f < FEATURE_COUNT; f++) b -= scaling.mean[f]! * featureWeights[f]![k]!;
    return b;
  });
  return {
    params: { specialists: [...specialists], regimeWeights, featureWeights, bias },
    bestEpoch: result.bestEpoch,
    stoppedEpoch: result.stoppedEpoch,
    history: result.history,
    validationReward: -result.history[result.bestEpoch]!.validationLoss,
  };
}
