import { operation } from '@/shared/graphql/client';

/** Contract: apps/gateway/src/schema/training/training.graphql. */

/** BullMQ job states as the gateway reports them. */
export type TrainingJobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

export interface TrainingProgress {
  jobId: string;
  /** queued, data, regime, specialists, meta-controller, backtest, export, register, done, failed, cancelled */
  stage: string;
  /** 0..1 over the whole job. */
  fraction: number;
  epoch: number | null;
  message: string | null;
  /** Latest metric values of the stage (e.g. train_loss, val_loss). */
  metrics: Record<string, unknown> | null;
  runId: string | null;
  at: string;
}

export interface TrainingJob {
  id: string;
  state: TrainingJobState | (string & {});
  failedReason: string | null;
  progress: TrainingProgress | null;
  runId: string | null;
  /** The meta-controller's registered version (`meta-controller`), once done. */
  modelName: string | null;
  modelVersion: number | null;
  /** The trained set's label (the configuration's model name), e.g. tradeplane-blend. */
  modelSet: string | null;
  /** Every version the job registered, under the engine's model names. */
  versions: TrainingJobVersion[];
}

export interface TrainingJobVersion {
  modelName: string;
  version: number;
}

export interface TrainingSplitsInput {
  trainFrom: string;
  trainTo: string;
  validationFrom: string;
  validationTo: string;
  testFrom: string;
  testTo: string;
}

export interface TrainingConfigInput {
  universe?: string[] | null;
  market?: string | null;
  splits?: TrainingSplitsInput | null;
  seed?: number | null;
  costBps?: number | null;
  modelName?: string | null;
  experiment?: string | null;
}

const PROGRESS_FIELDS = 'jobId stage fraction epoch message metrics runId at';
const JOB_FIELDS = `id state failedReason runId modelName modelVersion modelSet versions { modelName version } progress { ${PROGRESS_FIELDS} }`;

export const TRAINING_JOBS = operation<{ trainingJobs: TrainingJob[] }, { first: number }>(
  `query TrainingJobs($first: Int) { trainingJobs(first: $first) { ${JOB_FIELDS} } }`,
);

export const START_TRAINING = operation<{ startTraining: TrainingJob }, { config: TrainingConfigInput }>(
  `mutation StartTraining($config: TrainingConfigInput) { startTraining(config: $config) { ${JOB_FIELDS} } }`,
);

export const CANCEL_TRAINING = operation<{ cancelTraining: boolean }, { id: string }>(
  `mutation CancelTraining($id: ID!) { cancelTraining(id: $id) }`,
);

/** Without `jobId`: the progress of every training job. */
export const TRAINING_PROGRESS = operation<{ trainingProgress: TrainingProgress }, { jobId?: string | null }>(
  `subscription TrainingProgress($jobId: ID) { trainingProgress(jobId: $jobId) { ${PROGRESS_FIELDS} } }`,
);
