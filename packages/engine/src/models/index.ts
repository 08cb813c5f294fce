/**
 * Models of the decision path: the ONNX builder, the bootstrap specialists and
 * meta-controller, ONNX Runtime sessions and the model set one decision runs.
 */
export {
  BOOTSTRAP_LABEL,
  BOOTSTRAP_VERSION,
  bootstrapModelSet,
  bootstrapModelSetInput,
  META_CONTROLLER_NAME,
  type BootstrapModel,
} from './bootstrap';
export { featureRow } from './feature-row';
export { trainedMetaControllerGraph, trainedSpecialistGraph } from './from-trained';
export {
  equalWeightMetaParams,
  metaControllerGraph,
  metaControllerWeights,
  type MetaControllerParams,
} from './meta-controller';
export {
  createModelSession,
  DEFAULT_EXECUTION_PROVIDERS,
  executionProviders,
  floatTensor,
  ModelError,
  parseExecutionProviders,
  type ExecutionProvider,
  type ModelErrorCode,
  type ModelSession,
  type ModelSessionOptions,
  type ProviderFallback,
} from './model-session';
export {
  ModelSet,
  type LoadedModelInfo,
  type ModelArtifact,
  type ModelDecision,
  type ModelSetInput,
} from './model-set';
export {
  normaliseWeights,
  WEIGHT_SUM_TOLERANCE,
  type WeightIssue,
  type WeightsCheck,
} from './normalise-weights';
export {
  attr,
  encodeOnnxModel,
  OnnxGraphError,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  validateGraph,
  type OnnxAttribute,
  type OnnxDim,
  type OnnxGraph,
  type OnnxInitializer,
  type OnnxModel,
  type OnnxNode,
  type OnnxValueInfo,
} from './onnx-model';
export {
  FEATURE_COUNT,
  metaControllerSignature,
  REGIME_COUNT,
  signatureMismatches,
  specialistSignature,
  TENSOR_NAMES,
} from './signatures';
export {
  DEFAULT_DEFENSIVE_PARAMS,
  DEFAULT_MEAN_REVERSION_PARAMS,
  DEFAULT_MOMENTUM_PARAMS,
  DEFAULT_SPECIALIST_PARAMS,
  specialistGraph,
  specialistNames,
  specialistSignal,
  type DefensiveParams,
  type MeanReversionParams,
  type MomentumParams,
  type SpecialistName,
  type SpecialistParamsByName,
} from './specialists';
