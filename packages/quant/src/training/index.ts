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
export type { EarlyStoppingConfig, EpochRecord } from './optimiser';
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
  causalRegime,
  DEFAULT_MODEL_SET_TRAINING,
  trainModelSet,
  type ModelSetTrainingConfig,
  type ModelSetTrainingInput,
  type RegimeTrainingConfig,
  type StrategyFigures,
  type TestStrategy,
  type TrainedModelSet,
} from './train';
