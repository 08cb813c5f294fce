/**
 * The report of a replay: what the paper portfolio earned and risked, what the ledger
 * recorded, and the regime disruption of the book held (against the raw-filter and
 * hard-switch counterfactuals the engine scored on the same decisions). Pure.
 */
import type { PredictResponse, ReplayCounterfactual } from '@tradeplane/contracts';
import {
  periodsPerYear,
  portfolioDisruption,
  summarizeOutcomes,
  type LimitCode,
  type OutcomeSummary,
  type PaperBar,
  type PortfolioDisruption,
} from '@tradeplane/quant';
import type { ReplayOptions, ReplayRun } from './replay-driver';

/** The disruption goal: mean one-way turnover on regime transition bars. */
export const DISRUPTION_GOAL = 0.03;

export interface ReplayReport {
  replayId: string;
  portfolioId: string;
  timeframe: string;
  from: string;
  to: string;
  symbols: string[];
  speed: string;
  aborted: boolean;
  elapsedS: number;
  barsPlayed: { accepted: number; duplicates: number };
  decisions: number;
  /** Server time of the decisions (the engine's totalMs). */
  decisionMs: { p50: number; p95: number; max: number };
  verdicts: { approve: number; resize: number; reject: number };
  paper: {
    initialEquity: number;
    equity: number;
    summary: OutcomeSummary;
    violations: {
      bars: number;
      of: number;
      breaches: number;
      byCode: Record<LimitCode, number>;
      driftBars: number;
    };
  };
  ledger: {
    decisions: number;
    recorded: number;
    waiting: number;
    /** Decisions with no stored bar after them: they wait by design. */
    withoutNextBar: number;
    complete: boolean;
    /** The ledger's own summary of the portfolio's recorded decisions (null before any). */
    summary: OutcomeSummary | null;
  };
  disruption: ReplayDisruption | null;
}

export interface ReplayDisruption {
  /** Decisions with counterfactuals (the engine keeps a bounded number), and those it dropped. */
  decisions: number;
  dropped: number;
  /** Bars whose most likely filtered regime differs from the previous bar's. */
  transitions: number;
  /** The held book after each trade: what the paper portfolio actually did. */
  paper: PortfolioDisruption;
  /** Proposed weights (before the risk check) with the smoothed regime served… */
  served: PortfolioDisruption;
  /** …with the raw filtered probabilities… */
  filtered: PortfolioDisruption;
  /** …and with the hard switch (one-hot of the filtered argmax). */
  hard: PortfolioDisruption;
  goal: number;
  met: boolean;
}

/** Per-decision returns of the ledger, in asOf order (repos.outcomes.decisionReturns). */
export interface LedgerReturns {
  net: number;
  turnover: number;
  riskRuleHit: boolean;
}

export function buildReplayReport(
  run: ReplayRun,
  options: Pick<ReplayOptions, 'fromMs' | 'toMs' | 'speed' | 'timeframe' | 'symbols' | 'portfolioId'>,
  ledgerReturns: readonly LedgerReturns[],
): ReplayReport {
  const P = periodsPerYear(options.timeframe);
  const paperSummary = run.paper.summary(P);
  const bars = run.paper.bars;
  const riskHits = paperSummary.verdicts.resize + paperSummary.verdicts.reject;
  return {
    replayId: run.replay.id,
    portfolioId: options.portfolioId,
    timeframe: options.timeframe,
    from: new Date(options.fromMs).toISOString(),
    to: new Date(options.toMs).toISOString(),
    symbols: options.symbols,
    speed: options.speed === 'max' ? 'max' : `${options.speed}x`,
    aborted: run.aborted,
    elapsedS: run.elapsedMs / 1000,
    barsPlayed: run.barsPlayed,
    decisions: run.decisions.length,
    decisionMs: decisionTimes(run.decisions),
    verdicts: paperSummary.verdicts,
    paper: {
      initialEquity: paperSummary.initialEquity,
      equity: paperSummary.equity,
      summary: summarizeOutcomes(
        Float64Array.from(bars, (b) => b.netReturn),
        Float64Array.from(bars, (b) => b.turnover),
        { periodsPerYear: P, riskRuleHits: riskHits },
      ),
      violations: { ...paperSummary.violations, of: paperSummary.bars },
    },
    ledger: {
      decisions: run.ledger.decisions,
      recorded: run.ledger.recorded,
      waiting: run.ledger.waiting,
      withoutNextBar: run.withoutNextBar,
      complete: run.ledger.complete,
      summary:
        ledgerReturns.length === 0
          ? null
          : summarizeOutcomes(
              Float64Array.from(ledgerReturns, (r) => r.net),
              Float64Array.from(ledgerReturns, (r) => r.turnover),
              { periodsPerYear: P, riskRuleHits: ledgerReturns.filter((r) => r.riskRuleHit).length },
            ),
    },
    disruption: run.ended
      ? replayDisruption(
          run.decisions,
          bars,
          run.ended.counterfactuals.decisions,
          run.ended.counterfactuals.dropped,
        )
      : null,
  };
}

/**
 * Disruption of four paths over the decisions the engine scored: the held book, and the proposed
 * weights under the served, raw filtered and hard-switch regimes. Transitions are the bars where
 * the filtered argmax changes: the regime changes themselves, whatever the smoothing makes of them.
 */
export function replayDisruption(
  decisions: readonly PredictResponse[],
  bars: readonly PaperBar[],
  counterfactuals: readonly ReplayCounterfactual[],
  dropped: number,
): ReplayDisruption | null {
  const byId = new Map(counterfactuals.map((c) => [c.decisionId, c]));
  const paper: Array<Record<string, number>> = [];
  const served: Array<Record<string, number>> = [];
  const filtered: Array<Record<string, number>> = [];
  const hard: Array<Record<string, number>> = [];
  const labels: string[] = [];
  decisions.forEach((d, i) => {
    const c = byId.get(d.id);
    if (!c || !bars[i]) return;
    paper.push(bars[i].weights);
    served.push(c.proposed.served);
    filtered.push(c.proposed.filtered);
    hard.push(c.proposed.hard);
    labels.push(c.regime.filtered);
  });
  if (paper.length === 0) return null;
  const transitions = labels.map((l, t) => t > 0 && l !== labels[t - 1]);
  const paperDisruption = portfolioDisruption(paper, transitions);
  return {
    decisions: paper.length,
    dropped,
    transitions: paperDisruption.transitions,
    paper: paperDisruption,
    served: portfolioDisruption(served, transitions),
    filtered: portfolioDisruption(filtered, transitions),
    hard: portfolioDisruption(hard, transitions),
    goal: DISRUPTION_GOAL,
    met: paperDisruption.transitionTurnover < DISRUPTION_GOAL,
  };
}

function decisionTimes(decisions: readonly PredictResponse[]): ReplayReport['decisionMs'] {
  const ms = decisions.map((d) => d.timings.totalMs).sort((a, b) => a - b);
  const at = (q: number) => (ms.length === 0 ? NaN : ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!);
  return { p50: at(0.5), p95: at(0.95), max: ms.length === 0 ? NaN : ms[ms.length - 1]! };
}

const pct = (x: number, digits = 2) => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '–');
const num = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const sharpe = (s: OutcomeSummary) =>
  Number.isFinite(s.sharpe) ? `${num(s.sharpe)} ± ${num(s.sharpeStdErr)}` : '–';

export function formatReplayReport(r: ReplayReport): string {
  const lines: string[] = [];
  const p = r.paper;
  lines.push(
    `Replay ${r.replayId} — portfolio ${r.portfolioId}, ${r.symbols.length} symbols ${r.timeframe}, ${r.from.slice(0, 10)} → ${r.to.slice(0, 10)}, speed ${r.speed}${r.aborted ? ' (STOPPED EARLY)' : ''}, ${num(r.elapsedS, 1)} s`,
    '',
    `bars played        ${r.barsPlayed.accepted} accepted, ${r.barsPlayed.duplicates} duplicate`,
    `decisions          ${r.decisions} (server P50 ${num(r.decisionMs.p50, 3)} ms, P95 ${num(r.decisionMs.p95, 3)} ms)`,
    `risk verdicts      ${r.verdicts.approve} approve, ${r.verdicts.resize} resize, ${r.verdicts.reject} reject`,
    '',
    'Paper portfolio (marked to the replayed closes)',
    `  equity           ${num(p.initialEquity, 4)} → ${num(p.equity, 4)} (${pct(p.equity / p.initialEquity - 1)})`,
    `  Sharpe           ${sharpe(p.summary)} (annualised, ± Lo standard error)`,
    `  max drawdown     ${pct(p.summary.maxDrawdown)}`,
    `  turnover         ${pct(p.summary.meanTurnover)} of equity per bar`,
    `  limit violations ${p.violations.bars} of ${p.violations.of} bars held over a limit${
      p.violations.bars > 0
        ? ` (${Object.entries(p.violations.byCode)
            .filter(([, n]) => n > 0)
            .map(([c, n]) => `${c} ${n}`)
            .join(', ')})`
        : ''
    }; ${p.violations.driftBars} bars drifted over one before trading`,
    '',
    'Outcome ledger',
    `  decisions        ${r.ledger.decisions} of ${r.decisions}: ${r.ledger.recorded} recorded, ${r.ledger.waiting} waiting${r.ledger.withoutNextBar > 0 ? ` (${r.ledger.withoutNextBar} without a stored next bar wait by design)` : ''}${r.ledger.complete ? '' : " — INCOMPLETE (see the workers' outcome consumer)"}`,
  );
  const l = r.ledger.summary;
  if (l)
    lines.push(
      `  net              ${pct(l.totalNet)} compounded over ${l.decisions} decisions; Sharpe ${sharpe(l)}; hit rate ${pct(l.hitRate, 1)}; max DD ${pct(l.maxDrawdown)}`,
    );
  const d = r.disruption;
  lines.push('', 'Regime disruption (mean one-way turnover of the book)');
  if (!d) lines.push('  no counterfactuals: the engine did not score this replay');
  else {
    const row = (name: string, x: PortfolioDisruption) =>
      `  ${name.padEnd(28)} ${pct(x.transitionTurnover).padStart(8)} ${pct(x.otherTurnover).padStart(10)}`;
    lines.push(
      `  ${d.transitions} regime transitions over ${d.decisions} decisions${d.dropped > 0 ? ` (${d.dropped} not scored: engine cap)` : ''}`,
      `  ${''.padEnd(28)} ${'on trans.'.padStart(8)} ${'other bars'.padStart(10)}`,
      row('paper portfolio (held)', d.paper),
      row('proposed, smoothed (served)', d.served),
      row('proposed, raw filtered', d.filtered),
      row('proposed, hard switch', d.hard),
      `  goal < ${pct(d.goal, 0)} on transitions: ${d.transitions === 0 ? 'no transition in this range' : d.met ? 'met' : 'NOT met'}`,
    );
  }
  return lines.join('\n');
}
