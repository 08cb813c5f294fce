/**
 * The decision path: POST /api/v1/predict — features, regime, the models of the request's arm,
 * the blend and the risk check into one decision, its id, metrics and event — and the runtime
 * that wires the catalog, the regime table and the trading state to it.
 */
export {
  assembleDecision,
  checkTargets,
  scoreTargets,
  shadowOutcome,
  type ScoredTarget,
  type TargetFeatures,
} from './decision-builder';
export { counterfactualProposals } from './counterfactual';
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
export { handlePredict, PREDICT_PATH, type PredictDeps } from './predict.route';
export {
  MAX_SYMBOLS,
  parsePredictRequest,
  predictRequestSchema,
  type PredictRequest,
} from './predict.schema';
export { ulidFactory, UlidOverflowError, ulidTime } from './ulid';
