/**
 * Ledger rows as the schema shows them: a decision's outcome per arm, a book's equity curve
 * (downsampled) and the summary groups with their recorded/waiting counts. Pure: rows in,
 * shapes out, so it is tested with plain arrays.
 */
import type { OutcomeArm, OutcomeStatus } from '@tradeplane/contracts';
import type { OutcomeRecord, OutcomeStatusCount, PortfolioStep } from '@tradeplane/db';
import {
  outcomeGroupKey,
  summarizeOutcomes,
  type OutcomeGroupSummary,
  type OutcomeGrouping,
} from '@tradeplane/quant';
import { versionList } from '../decisions/present-decision';

/** GraphQL Float has no NaN or ±∞: a statistic that is not defined is null. */
const finite = (x: number) => (Number.isFinite(x) ? x : null);

export function presentOutcome(r: OutcomeRecord) {
  return {
    ...r,
    modelVersions: versionList(r.modelVersions),
    weightChange: r.targetWeight - r.currentWeight,
  };
}

export interface DecisionOutcomeArm {
  arm: OutcomeArm;
  acted: boolean;
  modelVersions: Array<{ name: string; version: number }>;
  modelLabel: string;
  status: OutcomeStatus;
  gross: number | null;
  cost: number;
  net: number | null;
  turnover: number;
}

/** Per arm, the sums over its targets (null results while any target waits), in row order. */
export function outcomeArms(rows: readonly OutcomeRecord[]): DecisionOutcomeArm[] {
  const arms = new Map<OutcomeArm, DecisionOutcomeArm>();
  for (const r of rows) {
    let a = arms.get(r.arm);
    if (!a)
      arms.set(
        r.arm,
        (a = {
          arm: r.arm,
          acted: r.acted,
          modelVersions: versionList(r.modelVersions),
          modelLabel: r.modelLabel,
          status: 'recorded',
          gross: 0,
          cost: 0,
          net: 0,
          turnover: 0,
        }),
      );
    a.cost += r.cost;
    a.turnover += Math.abs(r.targetWeight - r.currentWeight);
    if (r.status === 'waiting' || r.gross === null || r.net === null) {
      a.status = 'waiting';
      a.gross = a.net = null;
    } else if (a.status === 'recorded') {
      a.gross! += r.gross;
      a.net! += r.net;
    }
  }
  return [...arms.values()];
}

export interface EquityPoint {
  decisionId: string;
  asOf: Date;
  equity: number;
  net: number | null;
  turnover: number;
  riskVerdict: PortfolioStep['riskVerdict'];
}

/**
 * Indices of `maxPoints` steps evenly spaced over `n` (all of them when n ≤ maxPoints), the
 * first and the last always among them; only the last when maxPoints is 1.
 */
export function sampleIndices(n: number, maxPoints: number): number[] {
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  if (maxPoints === 1) return [n - 1];
  return Array.from({ length: maxPoints }, (_, k) => Math.round((k * (n - 1)) / (maxPoints - 1)));
}

/**
 * The book's equity from 1, compounded over every recorded decision (a waiting one carries it
 * over), then at most `maxPoints` of its points: the curve is computed on all of them first.
 */
export function equityCurve(steps: readonly PortfolioStep[], maxPoints: number) {
  let equity = 1;
  const points: EquityPoint[] = steps.map((s) => {
    if (s.net !== null) equity *= 1 + s.net;
    return {
      decisionId: s.decisionId,
      asOf: s.asOf,
      equity,
      net: s.net,
      turnover: s.turnover,
      riskVerdict: s.riskVerdict,
    };
  });
  return {
    decisions: steps.length,
    points: sampleIndices(points.length, maxPoints).map((i) => points[i]!),
    finalEquity: equity,
  };
}

/** A summary group as the schema shows it, with how many of its decisions are recorded and waiting. */
function presentGroup(g: OutcomeGroupSummary, counts: { recorded: number; waiting: number }) {
  return {
    group: g.group,
    arm: g.arm,
    modelLabel: g.modelLabel,
    timeframe: g.timeframe,
    decisions: g.decisions,
    totalNet: g.decisions > 0 ? finite(g.totalNet) : null,
    meanNet: finite(g.meanNet),
    sharpe: finite(g.sharpe),
    sharpeStdErr: finite(g.sharpeStdErr),
    hitRate: finite(g.hitRate),
    meanTurnover: finite(g.meanTurnover),
    meanCost: finite(g.meanCost),
    maxDrawdown: g.maxDrawdown,
    riskRuleHits: g.riskRuleHits,
    ...counts,
  };
}

/**
 * The summary groups with their counts; a group whose decisions all wait is listed too, with
 * no figures. Groups in key order, each timeframe apart (as summarizeDecisionReturns orders them).
 */
export function summaryGroups(
  summaries: readonly OutcomeGroupSummary[],
  counts: readonly OutcomeStatusCount[],
  by: OutcomeGrouping,
) {
  const keyOf = (group: string, timeframe: string) => `${group}\u0000${timeframe}`;
  const tally = new Map<string, { recorded: number; waiting: number; first: OutcomeStatusCount }>();
  for (const c of counts) {
    const group = outcomeGroupKey({ arm: c.arm, modelLabel: c.modelLabel, asOf: new Date(c.day) }, by);
    const key = keyOf(group, c.timeframe);
    const t = tally.get(key) ?? { recorded: 0, waiting: 0, first: c };
    t.recorded += c.recorded;
    t.waiting += c.waiting;
    tally.set(key, t);
  }
  const groups = summaries.map((g) => {
    const key = keyOf(g.group, g.timeframe);
    const t = tally.get(key);
    tally.delete(key);
    return presentGroup(g, { recorded: t?.recorded ?? g.decisions, waiting: t?.waiting ?? 0 });
  });
  const empty = summarizeOutcomes(new Float64Array(0), new Float64Array(0), {
    periodsPerYear: 1,
    riskRuleHits: 0,
  });
  for (const [key, t] of tally) {
    const [group, timeframe] = key.split('\u0000') as [string, string];
    const g: OutcomeGroupSummary = {
      ...empty,
      group,
      timeframe,
      arm: by === 'day' ? null : t.first.arm,
      modelLabel: by === 'model' ? t.first.modelLabel : null,
      meanCost: NaN,
    };
    groups.push(presentGroup(g, { recorded: t.recorded, waiting: t.waiting }));
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return groups.sort((a, b) => (a.group === b.group ? cmp(a.timeframe, b.timeframe) : cmp(a.group, b.group)));
}
