/** The training job (issue 6), for the workers, the CLI's in-process mode and the bench. */
export { exportAndCheck, PARITY_TOLERANCE, type ExportedModel } from '@tradeplane/models';
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
export { disposePreparedTrainingThread, prepareTrainingThread, takeTrainingThread } from './train-in-thread';
