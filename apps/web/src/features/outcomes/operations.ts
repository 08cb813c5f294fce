import { operation } from '@/shared/graphql/client';

/** Contract: apps/gateway/src/schema/outcomes/outcomes.graphql. */

export type OutcomeStatus = 'WAITING' | 'RECORDED';
export type OutcomeArm = 'production' | 'canary' | 'shadow';

/** A decision's realized result as the Decisions list shows it (the acting arm). */
export interface DecisionNet {
  status: OutcomeStatus;
  net: number | null;
}

export interface OutcomePortfolio {
  portfolioId: string;
  decisions: number;
  recorded: number;
  waiting: number;
  firstAsOf: string;
  lastAsOf: string;
}

export interface EquityPoint {
  decisionId: string;
  asOf: string;
  equity: number;
  net: number | null;
}

export interface OutcomeGroup {
  group: string;
  arm: OutcomeArm | null;
  timeframe: string;
  decisions: number;
  totalNet: number | null;
  sharpe: number | null;
  sharpeStdErr: number | null;
  hitRate: number | null;
  maxDrawdown: number;
  riskRuleHits: number;
  recorded: number;
  waiting: number;
}

export interface PortfolioPerformance {
  portfolioEquity: { portfolioId: string; decisions: number; finalEquity: number; points: EquityPoint[] };
  outcomeSummary: { truncated: boolean; groups: OutcomeGroup[] };
}

export interface OutcomeArmResult {
  arm: OutcomeArm;
  acted: boolean;
  modelLabel: string;
  status: OutcomeStatus;
  gross: number | null;
  cost: number;
  net: number | null;
  turnover: number;
}

export interface OutcomeRow {
  symbol: string;
  arm: OutcomeArm;
  acted: boolean;
  weightChange: number;
  assetReturn: number | null;
  gross: number | null;
  cost: number;
  net: number | null;
  status: OutcomeStatus;
  nextBarTime: string | null;
}

/** A decision's outcome as its detail page shows it; null until the ledger has booked it. */
export interface DecisionOutcome {
  status: OutcomeStatus;
  net: number | null;
  arms: OutcomeArmResult[];
  rows: OutcomeRow[];
}

export const OUTCOME_PORTFOLIOS = operation<{ outcomePortfolios: OutcomePortfolio[] }>(
  `query OutcomePortfolios {
  outcomePortfolios(first: 50) { portfolioId decisions recorded waiting firstAsOf lastAsOf }
}`,
);

export const PORTFOLIO_PERFORMANCE = operation<
  PortfolioPerformance,
  { portfolioId: string; maxPoints: number }
>(
  `query PortfolioPerformance($portfolioId: String!, $maxPoints: Int) {
  portfolioEquity(portfolioId: $portfolioId, maxPoints: $maxPoints) {
    portfolioId decisions finalEquity points { decisionId asOf equity net }
  }
  outcomeSummary(filter: { portfolioId: $portfolioId }, groupBy: ARM) {
    truncated
    groups { group arm timeframe decisions totalNet sharpe sharpeStdErr hitRate maxDrawdown riskRuleHits recorded waiting }
  }
}`,
);
