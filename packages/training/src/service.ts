/** The control side alone (`@tradeplane/training/service`): no training core, no ONNX Runtime. */
export { TrainingJobError, trainingJobErrorCodes, type TrainingJobErrorCode } from './training-job-error';
export {
  TRAINING_JOB,
  TrainingJobs,
  type TrainingJobsDeps,
  type TrainingJobView,
} from './training-jobs.service';
