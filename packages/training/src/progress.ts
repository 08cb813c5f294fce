import type { TrainingProgress, TrainingStage } from '@tradeplane/contracts';
import type { TrainingEpochEvent } from '@tradeplane/quant';

/**
 * The one progress table of a training job: the share of the job's progress bar where each
 * stage starts and ends, [from, to). Stage messages report `from`; epoch messages of the two
 * training stages fill their span as the epochs go by.
 */
export const STAGE_PROGRESS: Readonly<Record<TrainingStage, readonly [number, number]>> = {
  queued: [0, 0],
  data: [0.02, 0.05],
  regime: [0.05, 0.1],
  specialists: [0.1, 0.6],
  'meta-controller': [0.6, 0.8],
  backtest: [0.8, 0.85],
  export: [0.85, 0.95],
  register: [0.95, 1],
  done: [1, 1],
  failed: [1, 1],
  cancelled: [1, 1],
};

/** Where a stage starts on the progress bar. */
export const stageFraction = (stage: TrainingStage): number => STAGE_PROGRESS[stage][0];

/** The progress message of one epoch: its place in its stage's span, and its losses. */
export function epochProgress(e: Readonly<TrainingEpochEvent>): Partial<TrainingProgress> {
  const [from, to] = STAGE_PROGRESS[e.stage];
  const done = (e.index + Math.min((e.epoch + 1) / (e.maxEpochs + 1), 1)) / e.count;
  return {
    fraction: from + (to - from) * done,
    epoch: e.epoch,
    message: `${e.model}: epoch ${e.epoch}`,
    metrics: Object.fromEntries(
      [
        [`${e.model}/train_loss`, e.trainLoss],
        [`${e.model}/val_loss`, e.validationLoss],
      ].filter(([, v]) => Number.isFinite(v)),
    ),
  };
}
