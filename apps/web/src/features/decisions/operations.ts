import type { DecisionNet, DecisionOutcome } from '@/features/outcomes';
import { operation } from '@/shared/graphql/client';

/** Contract: apps/gateway/src/schema/decisions/decisions.graphql. */

export type RiskVerdict = 'approve' | 'resize' | 'reject';

/** What the live table shows of a decision. */
export interface DecisionSummary {
  id: string;
  at: string;
  symbols: string[];
  targets: { symbol: string; currentWeight: number; targetWeight: number }[];
  risk: { verdict: RiskVerdict };
  models: { arm: string };
  timings: { totalMs: number };
  /** The realized result (seeded rows only: a live sampled decision is too new to have one). */
  outcome?: DecisionNet | null;
}

export interface SpecialistContribution {
  name: string;
  version: number;
  signal: number;
  weight: number;
}

export interface DecisionTarget {
  symbol: string;
  barTime: string;
  features: { name: string; value: number | null }[];
  specialists: SpecialistContribution[];
  blendedSignal: number;
  currentWeight: number;
  proposedWeight: number;
  targetWeight: number;
  weightsNormalised: boolean;
}

export interface RiskRuleVerdict {
  rule: string;
  passed: boolean;
  binding: boolean;
  code: string | null;
  limit: number | null;
  /** Before the decision's orders. */
  actual: number | null;
  /** With the approved orders. */
  after: number | null;
  detail: string;
}

export interface ModelVersionRef {
  name: string;
  version: number;
}

export interface DecisionTimings {
  featuresMs: number;
  regimeMs: number;
  modelsMs: number;
  riskMs: number;
  totalMs: number;
}

export interface Decision {
  id: string;
  requestKey: string;
  at: string;
  timeframe: string;
  asOf: string;
  symbols: string[];
  regime: { bull: number; bear: number; sideways: number };
  confidence: number;
  targets: DecisionTarget[];
  risk: { verdict: RiskVerdict; scale: number; bindingRule: string | null; rules: RiskRuleVerdict[] };
  models: { arm: string; versions: ModelVersionRef[] };
  shadow: {
    arm: string | null;
    versions: ModelVersionRef[];
    risk: { verdict: RiskVerdict; bindingRule: string | null } | null;
    targets: { symbol: string; proposedWeight: number; blendedSignal: number; targetWeight: number | null }[];
  } | null;
  timings: DecisionTimings;
  outcome: DecisionOutcome | null;
}

const SUMMARY = `id at symbols targets { symbol currentWeight targetWeight } risk { verdict } models { arm } timings { totalMs }`;

export const RECENT_DECISIONS = operation<
  { recentDecisions: DecisionSummary[] },
  { first: number; symbol: string | null }
>(
  `query RecentDecisions($first: Int, $symbol: String) {
  recentDecisions(first: $first, symbol: $symbol) { ${SUMMARY} outcome { status net } }
}`,
);

export const DECISION_SAMPLED = operation<{ decisionSampled: DecisionSummary }, { symbol: string | null }>(
  `subscription DecisionSampled($symbol: String) { decisionSampled(symbol: $symbol) { ${SUMMARY} } }`,
);

export const DECISION = operation<{ decision: Decision | null }, { id: string }>(
  `query Decision($id: ID!) {
  decision(id: $id) {
    id requestKey at timeframe asOf symbols confidence
    regime { bull bear sideways }
    targets {
      symbol barTime blendedSignal currentWeight proposedWeight targetWeight weightsNormalised
      features { name value }
      specialists { name version signal weight }
    }
    risk { verdict scale bindingRule rules { rule passed binding code limit actual after detail } }
    models { arm versions { name version } }
    shadow { arm versions { name version } targets { symbol proposedWeight blendedSignal targetWeight } risk { verdict bindingRule } }
    timings { featuresMs regimeMs modelsMs riskMs totalMs }
    outcome {
      status net
      arms { arm acted modelLabel status gross cost net turnover }
      rows { symbol arm acted weightChange assetReturn gross cost net status nextBarTime }
    }
  }
}`,
);
