/**
 * The decision path: POST /api/v1/predict, the model sets loaded from the registry with hot
 * swap and canary/shadow routing, the regime lookup, the trading halt and decision events.
 */
export {
  assembleDecision,
  checkTargets,
  scoreTargets,
  shadowOutcome,
  type ScoredTarget,
  type TargetFeatures,
} from './decision-builder';
export { openDecisionEvents, type DecisionEvents } from './decision-events';
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
  ModelCatalog,
  ModelCatalogError,
  type ActiveModels,
  type ArmModels,
  type ModelCatalogOptions,
} from './model-catalog';
export { handlePredict, PREDICT_PATH, type PredictDeps } from './predict.route';
export {
  MAX_SYMBOLS,
  parsePredictRequest,
  predictRequestSchema,
  type PredictRequest,
} from './predict.schema';
export { RegimeService, type RegimeInputs } from './regime-service';
export { RegimeTable, type RegimePoint, type RegimeSource, type StoredRegimeModel } from './regime-table';
export { chooseArm, ROUTING_BUCKETS, routingBucket, type Arm } from './routing';
export { ulidFactory, UlidOverflowError, ulidTime } from './ulid';
