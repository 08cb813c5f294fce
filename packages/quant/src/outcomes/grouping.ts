/**
 * Per-decision ledger results grouped by arm, model or day and summarised with
 * summarizeOutcomes: the one grouping behind `tradeplane outcomes` and the gateway's
 * outcomeSummary, so both report the same numbers for the same rows.
 */
import type { OutcomeArm } from '@tradeplane/contracts';
import { periodsPerYear, summarizeOutcomes, type OutcomeSummary } from './outcomes';

export const OUTCOME_GROUPINGS = ['arm', 'model', 'day'] as const;
export type OutcomeGrouping = (typeof OUTCOME_GROUPINGS)[number];

/** One arm's result on one recorded decision (the ledger's DecisionReturn has this shape). */
export interface DecisionOutcomeReturn {
  arm: OutcomeArm;
  modelLabel: string;
  timeframe: string;
  asOf: Date;
  net: number;
  cost: number;
  turnover: number;
  riskRuleHit: boolean;
}

export interface OutcomeGroupSummary extends OutcomeSummary {
  /** The arm, `model (arm)` or the UTC day `YYYY-MM-DD` of asOf. */
  group: string;
  /** The group's arm (arm and model groupings; null for days, which hold every arm). */
  arm: OutcomeArm | null;
  /** The group's model label (model grouping only). */
  modelLabel: string | null;
  /** Sharpe is annualised per timeframe, so each timeframe is its own group. */
  timeframe: string;
  /** Mean cost per decision (fraction of equity): costBps / 10⁴ · turnover, summed over targets. */
  meanCost: number;
}

/** The UTC day of an instant, `YYYY-MM-DD`. */
export const utcDay = (t: Date) => t.toISOString().slice(0, 10);

/**
 * The group a decision's result belongs to. A model's arms are separate series (the same
 * decision can have a row on each arm).
 */
export function outcomeGroupKey(
  r: Pick<DecisionOutcomeReturn, 'arm' | 'modelLabel' | 'asOf'>,
  by: OutcomeGrouping,
): string {
  switch (by) {
    case 'arm':
      return r.arm;
    case 'model':
      return `${r.modelLabel} (${r.arm})`;
    case 'day':
      return utcDay(r.asOf);
  }
}

/**
 * One summary per group and timeframe, groups in key order. `rows` must be in asOf order (as
 * the ledger's decisionReturns returns them): drawdown and Sharpe read the series in that order.
 */
export function summarizeDecisionReturns(
  rows: readonly DecisionOutcomeReturn[],
  by: OutcomeGrouping,
): OutcomeGroupSummary[] {
  const groups = new Map<string, { group: string; timeframe: string; rows: DecisionOutcomeReturn[] }>();
  for (const r of rows) {
    const group = outcomeGroupKey(r, by);
    const key = `${group}\u0000${r.timeframe}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { group, timeframe: r.timeframe, rows: [] }));
    g.rows.push(r);
  }
  return [...groups.values()]
    .sort((a, b) => (a.group === b.group ? cmp(a.timeframe, b.timeframe) : cmp(a.group, b.group)))
    .map(({ group, timeframe, rows: rs }) => {
      const net = Float64Array.from(rs, (r) => r.net);
      const turnover = Float64Array.from(rs, (r) => r.turnover);
      const riskRuleHits = rs.filter((r) => r.riskRuleHit).length;
      const s = summarizeOutcomes(net, turnover, { periodsPerYear: periodsPerYear(timeframe), riskRuleHits });
      const meanCost = rs.reduce((a, r) => a + r.cost, 0) / rs.length;
      const first = rs[0]!;
      return {
        group,
        arm: by === 'day' ? null : first.arm,
        modelLabel: by === 'model' ? first.modelLabel : null,
        timeframe,
        ...s,
        meanCost,
      };
    });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
