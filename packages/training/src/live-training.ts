/**
 * The training core run in its thread with live progress and a prompt cancel: every stage and
 * (at most every EPOCH_REPORT_MS, and at each model's first epoch) the current epoch of the
 * current model are published as TrainingProgress; the cancel flag is read every
 * `cancelPollMs` meanwhile, and a cancel stops the thread wherever it is.
 */
import type { TrainingProgress, TrainingStage } from '@tradeplane/contracts';
import type { ModelSetTrainingConfig, ModelSetTrainingInput, TrainedModelSet } from '@tradeplane/quant';
import { epochProgress } from './progress';
import type { TrainingThread } from './thread/train-in-thread';

/** Least time between two epoch messages: a few per second is live enough for a person. */
export const EPOCH_REPORT_MS = 250;

export interface LiveTrainingDeps {
  /** Publishes one progress message; failures are ignored (progress is best-effort here). */
  report: (stage: TrainingStage, extra: Partial<TrainingProgress>) => Promise<void> | void;
  isCancelled: () => Promise<boolean>;
  cancelPollMs: number;
  /** The error a cancel ends the training with. */
  cancelled: () => Error;
  clock: () => number;
}

export async function trainLive(
  thread: TrainingThread,
  input: ModelSetTrainingInput,
  config: ModelSetTrainingConfig,
  deps: LiveTrainingDeps,
): Promise<TrainedModelSet> {
  // Messages go out one after the other, in order, without holding the training up.
  let reports: Promise<void> = Promise.resolve();
  const report = (stage: TrainingStage, extra: Partial<TrainingProgress>) => {
    reports = reports.then(() => deps.report(stage, extra)).catch(() => undefined);
  };
  let lastModel = '';
  let lastReport = -Infinity;
  const controller = new AbortController();
  let polling = false;
  const poll = setInterval(() => {
    if (polling || controller.signal.aborted) return;
    polling = true;
    deps
      .isCancelled()
      .then((yes) => yes && controller.abort(deps.cancelled()))
      .catch(() => undefined) // an unreadable flag is read again at the next tick
      .finally(() => (polling = false));
  }, deps.cancelPollMs);
  try {
    return await thread.train(input, config, {
      signal: controller.signal,
      onStage: (stage) => report(stage, { message: `${stage} started` }),
      onEpoch: (e) => {
        const at = deps.clock();
        if (e.model === lastModel && at - lastReport < EPOCH_REPORT_MS) return;
        lastModel = e.model;
        lastReport = at;
        report(e.stage, epochProgress(e));
      },
    });
  } finally {
    clearInterval(poll);
    await reports;
  }
}
