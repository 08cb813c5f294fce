/**
 * The model: ONNX graph builders and the protobuf writer, tensor signatures, ONNX Runtime
 * sessions and provider choice, the model set one decision runs, the bootstrap set and its
 * registration, export of trained parameters with the parity check, the registry names and
 * arms, the registry source, and the explainer forensics runs. No process of its own: the
 * engine, the workers and the gateway import it.
 */
export {
  BOOTSTRAP_LABEL,
  BOOTSTRAP_VERSION,
  bootstrapModelSet,
  bootstrapModelSetInput,
  META_CONTROLLER_NAME,
  type BootstrapModel,
} from './bootstrap/bootstrap';
export { featureRow } from './graphs/feature-row';
export { trainedMetaControllerGraph, trainedSpecialistGraph } from './graphs/from-trained';
export {
  equalWeightMetaParams,
  metaControllerGraph,
  metaControllerWeights,
  type MetaControllerParams,
} from './graphs/meta-controller';
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
} from './onnx/model-session';
export {
  ModelSet,
  type LoadedModelInfo,
  type ModelArtifact,
  type ModelDecision,
  type ModelSetInput,
} from './model-set/model-set';
export {
  normaliseWeights,
  WEIGHT_SUM_TOLERANCE,
  type WeightIssue,
  type WeightsCheck,
} from './model-set/normalise-weights';
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
} from './onnx/onnx-model';
export {
  FEATURE_COUNT,
  metaControllerSignature,
  REGIME_COUNT,
  signatureMismatches,
  specialistSignature,
  TENSOR_NAMES,
} from './graphs/signatures';
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
} from './graphs/specialists';
export {
  advisoryLock,
  artifactPath,
  BOOTSTRAP_ACTOR,
  BOOTSTRAP_DESCRIPTION,
  BOOTSTRAP_EXPERIMENT,
  BOOTSTRAP_LOCK_KEY,
  ensureBootstrapModels,
  type BootstrapDeps,
  type BootstrapOutcome,
  type BootstrapTracking,
} from './bootstrap/bootstrap-registration';
export {
  armKey,
  DECISION_MODEL_NAMES,
  liveFingerprint,
  planArms,
  SPECIALIST_MODEL_NAMES,
  type ArmName,
  type ArmPlan,
  type ArmsPlan,
  type ModelVersionRef,
} from './registry/model-arms';
export {
  ModelArtifactError,
  registryModelSource,
  type LiveModelState,
  type ModelRegistrySource,
} from './registry/registry-source';
export { exportAndCheck, PARITY_TOLERANCE, runChecked, type ExportedModel } from './export/export-models';
export {
  ExplanationError,
  explainDecisions,
  FORENSICS_BASELINE,
  ROWS_PER_TARGET,
} from './explain/explain-decision';
export { ForensicsModelCache, type ForensicsModelSource } from './explain/forensics-models';
export * from './rollouts';
