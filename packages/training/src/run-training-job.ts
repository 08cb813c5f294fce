/**
 * The workers' handler of `training.run`: one BullMQ job through the job body, with progress
 * on the job and on the progress channel, the cancel flag read through TrainingJobs, and a
 * cancelled job never retried.
 */
import type { TrainingPayload, TrainingProgress } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import type { Job } from '@tradeplane/platform';
import type { TrackingClient } from '@tradeplane/tracking';
import { UnrecoverableError } from 'bullmq';
import { prepareTrainingThread } from './thread/train-in-thread';
import { TrainingCancelledError, trainModelSetJob, type TrainingJobResult } from './train-model-set.job';
import type { TrainingJobs } from './training-jobs.service';

export interface RunTrainingJobDeps {
  repos: Repositories;
  tracking: TrackingClient;
  jobs: Pick<TrainingJobs, 'isCancelled'>;
  /** Publishes one progress message to live listeners; failures are ignored. */
  publishProgress: (progress: TrainingProgress) => Promise<void>;
}

export async function runTrainingJob(
  payload: TrainingPayload,
  job: Job,
  deps: RunTrainingJobDeps,
): Promise<TrainingJobResult> {
  const jobId = job.id!;
  try {
    return await trainModelSetJob(
      payload,
      { jobId, createdAt: job.timestamp, finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) },
      {
        repos: deps.repos,
        tracking: deps.tracking,
        onProgress: async (p) => {
          await job.updateProgress(p);
          await deps.publishProgress(p).catch(() => undefined);
        },
        isCancelled: () => deps.jobs.isCancelled(jobId),
      },
    );
  } catch (err) {
    if (err instanceof TrainingCancelledError) throw new UnrecoverableError(err.message);
    throw err;
  } finally {
    prepareTrainingThread(); // loaded while idle, ready for the next run
  }
}
