/**
 * Pure grouping and formatting behind `tradeplane outcomes`: per-decision results from the
 * ledger (repos.outcomes.decisionReturns) grouped by arm, model or day and summarised with
 * quant's summarizeOutcomes. No I/O here, so it is tested with plain arrays.
 */
import type { DecisionReturn } from '@tradeplane/db';
import { periodsPerYear, summarizeOutcomes, type OutcomeSummary } from '@tradeplane/quant';

export const OUTCOME_GROUPINGS = ['arm', 'model', 'day'] as const;
export type OutcomeGrouping = (typeof OUTCOME_GROUPINGS)[number];

export interface OutcomeGroupSummary extends OutcomeSummary {
  /** The arm, `model (arm)` or the UTC day `YYYY-MM-DD` of asOf. */
  group: string;
  /** Sharpe is annualised per timeframe, so each timeframe is its own group. */
  timeframe: string;
  /** Mean cost per decision (fraction of equity): costBps / 10⁴ · turnover, summed over targets. */
  meanCost: number;
}

// A model's arms are separate series (the same decision can have a row on each arm).
function groupKey(r: DecisionReturn, by: OutcomeGrouping): string {
  switch (by) {
    case 'arm':
      return r.arm;
    case 'model':
      return `${r.modelLabel} (${r.arm})`;
    case 'day':
      return r.asOf.toISOString().slice(0, 10);
  }
}

/**
 * One summary per group and timeframe, groups in key order. `rows` must be in asOf order (as
 * decisionReturns returns them): drawdown and Sharpe read the series in that order.
 */
export function summarizeDecisionReturns(
  rows: readonly DecisionReturn[],
  by: OutcomeGrouping,
): OutcomeGroupSummary[] {
  const groups = new Map<string, { group: string; timeframe: string; rows: DecisionReturn[] }>();
  for (const r of rows) {
    const group = groupKey(r, by);
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
      return { group, timeframe, ...s, meanCost };
    });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const num = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '–');

/** A fixed-width table of the summaries; a line saying so when there are none. */
export function formatOutcomeTable(summaries: readonly OutcomeGroupSummary[], by: OutcomeGrouping): string {
  if (summaries.length === 0) return 'no recorded decisions match';
  const header = [by, 'tf', 'decisions', 'net', 'sharpe ± se', 'hit rate', 'turnover', 'max dd', 'risk hits'];
  const body = summaries.map((s) => [
    s.group,
    s.timeframe,
    String(s.decisions),
    pct(s.totalNet),
    `${num(s.sharpe, 2)} ± ${num(s.sharpeStdErr, 2)}`,
    pct(s.hitRate),
    num(s.meanTurnover, 3),
    pct(s.maxDrawdown),
    String(s.riskRuleHits),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}
