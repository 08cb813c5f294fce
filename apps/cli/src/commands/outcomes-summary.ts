/**
 * Formatting behind `tradeplane outcomes`; the grouping and the figures are quant's
 * summarizeDecisionReturns (shared with the gateway's outcomeSummary).
 */
import type { OutcomeGroupSummary, OutcomeGrouping } from '@tradeplane/quant';

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
