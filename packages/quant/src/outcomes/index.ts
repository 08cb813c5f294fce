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
export {
  OUTCOME_GROUPINGS,
  outcomeGroupKey,
  summarizeDecisionReturns,
  utcDay,
  type DecisionOutcomeReturn,
  type OutcomeGroupSummary,
  type OutcomeGrouping,
} from './grouping';
