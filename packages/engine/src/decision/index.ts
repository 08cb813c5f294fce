/**
 * The decision path: POST /api/v1/predict, the model sets loaded from the registry with hot
 * swap and canary/shadow routing, the regime lookup, the trading halt and decision events.
 */
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
} from './bootstrap-registration';
export {
  assembleDecision,
  checkTargets,
  scoreTargets,
  shadowOutcome,
  type ScoredTarget,
  type TargetFeatures,
} from './decision-builder';
export { decisionEventsOptions, openDecisionEvents, type DecisionEvents } from './decision-events';
export { DecisionMetrics } from './decision-metrics';
export {
  DECISION_CHANNELS,
  LEAKAGE_ACTOR,
  startDecisionRuntime,
  type DecisionRuntime,
  type DecisionRuntimeDeps,
} from './decision-runtime';
export {
  DecisionService,
  RiskUnavailableError,
  type Decided,
  type DecisionEventSink,
  type DecisionServiceDeps,
  type FeatureSource,
} from './decision-service';
export { TRADING_ACTIVE, TradingHaltController, type HaltEffects } from './halt-controller';
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
} from './model-arms';
export {
  ModelCatalog,
  ModelCatalogError,
  type ActiveModels,
  type ArmModels,
  type ModelCatalogOptions,
  type ModelRegistrySource,
} from './model-catalog';
export { handlePredict, PREDICT_PATH, type PredictDeps } from './predict.route';
export {
  MAX_SYMBOLS,
  parsePredictRequest,
  predictRequestSchema,
  type PredictRequest,
} from './predict.schema';
export { ModelArtifactError, registryModelSource } from './registry-source';
export { RegimeService, type RegimeInputs } from './regime-service';
export { RegimeTable, type RegimePoint, type RegimeSource, type StoredRegimeModel } from './regime-table';
export { chooseArm, ROUTING_BUCKETS, routingBucket, type Arm } from './routing';
export { ulidFactory, UlidOverflowError, ulidTime } from './ulid';
