/**
 * The training use case: the `training.run` job body (data read once, the core in a worker
 * thread with live progress, export with parity, the bootstrap comparison, tracking and
 * registration), its one progress table, and the TrainingJobs service every caller uses.
 */
export { bootstrapTestFigures } from './bootstrap-benchmark';
export { epochProgress, STAGE_PROGRESS, stageFraction } from './progress';
export { runTrainingJob, type RunTrainingJobDeps } from './run-training-job';
export {
  disposePreparedTrainingThread,
  prepareTrainingThread,
  takeTrainingThread,
} from './thread/train-in-thread';
export {
  loadTrainingBars,
  modelSetConfig,
  TrainingCancelledError,
  trainingRunId,
  trainModelSetJob,
  type TestFigures,
  type TrainingIoTimings,
  type TrainingJobContext,
  type TrainingJobDeps,
  type TrainingJobResult,
  type TrainingTimings,
} from './train-model-set.job';
export * from './service';
