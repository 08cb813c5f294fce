export {
  assetReturn,
  decisionResult,
  periodsPerYear,
  summarizeOutcomes,
  targetOutcome,
  tradeCost,
  type DecisionResult,
  type OutcomeSummary,
  type TargetOutcome,
  type TargetTrade,
} from './outcomes';
