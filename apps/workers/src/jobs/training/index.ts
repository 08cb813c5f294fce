/** The training job (issue 6), for the workers, the CLI's in-process mode and the bench. */
export { exportAndCheck, PARITY_TOLERANCE, type ExportedModel } from './export-models';
export {
  loadTrainingBars,
  modelSetConfig,
  TrainingCancelledError,
  trainingRunId,
  trainModelSetJob,
  type TrainingJobContext,
  type TrainingJobDeps,
  type TrainingJobResult,
} from './train-model-set.job';
