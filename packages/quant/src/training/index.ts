/**
 * Training of the decision models (issue 6): the dataset, the regime-weighted specialists,
 * the contextual-bandit meta-controller and the orchestrating run. Pure and seeded.
 */
export {
  buildDataset,
  calendarRange,
  featureScaling,
  type BuildDatasetInput,
  type DatasetSplits,
  type DateRange,
  type FeatureScaling,
  type SplitName,
  type SymbolBars,
  type TrainingDataset,
} from './dataset';
export type { EarlyStoppingConfig, EpochObserver, EpochRecord } from './optimiser';
export {
  DEFAULT_SPECIALIST_TRAINING,
  SPECIALIST_REGIME,
  specialistForward,
  TRAINED_SPECIALISTS,
  trainSpecialist,
  type LinearTanhParams,
  type SpecialistTrainingConfig,
  type TrainedSpecialist,
  type TrainedSpecialistName,
} from './specialists';
export {
  DEFAULT_META_TRAINING,
  metaControllerForward,
  trainMetaController,
  type BanditSplit,
  type MetaControllerTrainingConfig,
  type MetaControllerWeights,
  type TrainedMetaController,
} from './meta-controller';
export {
  backtestHeldOut,
  causalRegime,
  DEFAULT_MODEL_SET_TRAINING,
  trainModelSet,
  type ModelSetTrainingConfig,
  type HeldOutBatch,
  type ModelSetTrainingInput,
  type RegimeTrainingConfig,
  type StrategyFigures,
  type TestStrategy,
  type TrainedModelSet,
  type TrainingCoreStage,
  type TrainingEpochEvent,
  type TrainingObserver,
} from './train';
