import { operation } from '@/shared/graphql/client';
import type { RiskRuleVerdict, RiskVerdict } from '@/features/decisions';

/** Contract: apps/gateway/src/schema/forensics/forensics.graphql. */

export type ForensicsStatus = 'explained' | 'failed' | 'pending';

export interface FeatureAmount {
  name: string;
  value: number;
}

export interface Regime {
  bull: number;
  bear: number;
  sideways: number;
}

export interface SpecialistExplanation {
  name: string;
  version: number;
  signal: number;
  baselineSignal: number;
  weight: number;
  /** weight × signal */
  contribution: number;
  attributions: FeatureAmount[];
  interaction: number;
  weightAtUniformRegime: number;
  weightByRegime: Regime;
}

export interface TargetExplanation {
  symbol: string;
  featuresComplete: boolean;
  specialists: SpecialistExplanation[];
  baselineContribution: number;
  featureContributions: FeatureAmount[];
  interactionContribution: number;
  blendedSignal: number;
  regimeInfluence: number;
  blendOcclusion: FeatureAmount[];
  currentWeight: number;
  proposedWeight: number;
  targetWeight: number;
  riskAdjustment: number;
}

export interface ForensicsExplanation {
  method: string;
  baseline: FeatureAmount[];
  regime: Regime;
  targets: TargetExplanation[];
  risk: { verdict: RiskVerdict; scale: number; bindingRule: string | null; adjustments: RiskRuleVerdict[] };
  models: { name: string; version: number }[];
  rowsEvaluated: number;
  reproductionError: number;
}

export interface DecisionForensics {
  decisionId: string;
  status: ForensicsStatus;
  decidedAt: string;
  explainedAt: string | null;
  delayMs: number | null;
  explanation: ForensicsExplanation | null;
  failureReason: string | null;
}

/** A decision with its forensics, as the explorer shows it. */
export interface ExplainedDecision {
  id: string;
  at: string;
  symbols: string[];
  regime: Regime;
  targets: { symbol: string; features: { name: string; value: number | null }[] }[];
  risk: { verdict: RiskVerdict };
  models: { arm: string };
  forensics: DecisionForensics;
}

/** A row of the explorer's list. */
export interface ForensicsDecision {
  decisionId: string;
  decidedAt: string;
  explainedAt: string;
  requestKey: string;
  symbols: string[];
  arm: string;
  verdict: RiskVerdict;
  status: ForensicsStatus;
}

export interface ForensicsSearchVars extends Record<string, unknown> {
  symbol: string | null;
  from: string | null;
  to: string | null;
  first: number;
  after: string | null;
}

const REGIME = 'bull bear sideways';

export const EXPLAINED_DECISION = operation<{ decision: ExplainedDecision | null }, { id: string }>(
  `query ExplainedDecision($id: ID!) {
  decision(id: $id) {
    id at symbols
    regime { ${REGIME} }
    targets { symbol features { name value } }
    risk { verdict }
    models { arm }
    forensics {
      decisionId status decidedAt explainedAt delayMs failureReason
      explanation {
        method
        baseline { name value }
        regime { ${REGIME} }
        targets {
          symbol featuresComplete baselineContribution interactionContribution blendedSignal regimeInfluence
          currentWeight proposedWeight targetWeight riskAdjustment
          featureContributions { name value }
          blendOcclusion { name value }
          specialists {
            name version signal baselineSignal weight contribution interaction weightAtUniformRegime
            attributions { name value }
            weightByRegime { ${REGIME} }
          }
        }
        risk { verdict scale bindingRule adjustments { rule passed binding code limit actual after detail } }
        models { name version }
        rowsEvaluated reproductionError
      }
    }
  }
}`,
);

export const FORENSICS_DECISIONS = operation<
  {
    forensicsDecisions: {
      items: ForensicsDecision[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  },
  ForensicsSearchVars
>(
  `query ForensicsDecisions($symbol: String, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  forensicsDecisions(symbol: $symbol, from: $from, to: $to, first: $first, after: $after) {
    items { decisionId decidedAt explainedAt requestKey symbols arm verdict status }
    pageInfo { hasNextPage endCursor }
  }
}`,
);
