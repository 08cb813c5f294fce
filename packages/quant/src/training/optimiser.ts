/**
 * Full-batch Adam (Kingma & Ba 2015, with bias correction) under early stopping: the loop
 * both trainers share. Deterministic: no randomness, fixed summation order.
 */

export interface EarlyStoppingConfig {
  /** Adam step size (in standardised units). */
  learningRate: number;
  maxEpochs: number;
  /** Epochs without a validation improvement of more than `minDelta` before stopping. */
  patience: number;
  minDelta: number;
}

export interface EpochRecord {
  epoch: number;
  /** Training objective (penalty included) at the start of the epoch's parameters. */
  trainLoss: number;
  /** Validation loss (no penalty): what early stopping minimises. */
  validationLoss: number;
}

export interface EarlyStoppingResult {
  /** The parameters of the best validation epoch (a copy). */
  params: Float64Array;
  bestEpoch: number;
  /** The last epoch evaluated. */
  stoppedEpoch: number;
  history: EpochRecord[];
}

export interface Objective {
  /** Training loss at `params`, gradient written into `grad`. */
  lossAndGradient(params: Float64Array, grad: Float64Array): number;
  validationLoss(params: Float64Array): number;
}

/** Observes each epoch as it ends (progress reporting); it cannot change the run. */
export type EpochObserver = (record: Readonly<EpochRecord>) => void;

/**
 * Epoch 0 evaluates the initial parameters; each later epoch takes one Adam step. The best
 * validation epoch's parameters are restored at the end (epoch 0 included, so a model that
 * never beats its initialisation on validation comes back as initialised).
 */
export function adamWithEarlyStopping(
  initial: Float64Array,
  objective: Objective,
  config: EarlyStoppingConfig,
  onEpoch?: EpochObserver,
): EarlyStoppingResult {
  const { learningRate: lr, maxEpochs, patience, minDelta } = config;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  const p = Float64Array.from(initial);
  const g = new Float64Array(p.length);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  const history: EpochRecord[] = [];
  let best = Float64Array.from(p);
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let epoch = 0;
  for (; epoch <= maxEpochs; epoch++) {
    const trainLoss = objective.lossAndGradient(p, g);
    const validationLoss = objective.validationLoss(p);
    const record = { epoch, trainLoss, validationLoss };
    history.push(record);
    onEpoch?.({ ...record });
    if (validationLoss < bestLoss - minDelta) {
      bestLoss = validationLoss;
      bestEpoch = epoch;
      best = Float64Array.from(p);
    } else if (epoch - bestEpoch >= patience) break;
    if (epoch === maxEpochs) break;
    const c1 = 1 - beta1 ** (epoch + 1);
    const c2 = 1 - beta2 ** (epoch + 1);
    for (let j = 0; j < p.length; j++) {
      m[j] = beta1 * m[j]! + (1 - beta1) * g[j]!;
      v[j] = beta2 * v[j]! + (1 - beta2) * g[j]! ** 2;
      p[j] = p[j]! - (lr * (m[j]! / c1)) / (Math.sqrt(v[j]! / c2) + eps);
    }
  }
  return { params: best, bestEpoch, stoppedEpoch: Math.min(epoch, maxEpochs), history };
}
