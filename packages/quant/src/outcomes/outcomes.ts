/**
 * Realized outcomes of decisions: what a target weight earned over the next bar, net of the
 * cost of trading to it, and the summary of a series of such per-decision results.
 *
 * Conventions:
 * - asset return r = close[t+1] / close[t] − 1 (simple), t the bar the decision's features used;
 * - gross = w · r with w the target weight held over the bar;
 * - turnover = |w − w_current| (the fraction of equity traded to reach w);
 * - cost = costBps / 10⁴ · turnover; net = gross − cost;
 * - a decision's result is the sum over its targets (weights are fractions of one book, the
 *   rest sits in cash at 0).
 */
import { performanceStats } from '../backtest';

export interface TargetTrade {
  currentWeight: number;
  targetWeight: number;
}

export interface TargetOutcome {
  /** close[t+1] / close[t] − 1. */
  assetReturn: number;
  gross: number;
  turnover: number;
  cost: number;
  net: number;
}

/** close[t+1] / close[t] − 1; a RangeError when a close is not a positive finite number. */
export function assetReturn(close: number, nextClose: number): number {
  if (!(close > 0) || !Number.isFinite(close)) throw new RangeError(`close must be > 0, got ${close}`);
  if (!(nextClose > 0) || !Number.isFinite(nextClose))
    throw new RangeError(`nextClose must be > 0, got ${nextClose}`);
  return nextClose / close - 1;
}

/** Turnover and cost of trading from the current to the target weight (known before the next bar). */
export function tradeCost(trade: TargetTrade, costBps: number): { turnover: number; cost: number } {
  if (!(costBps >= 0)) throw new RangeError(`costBps must be ≥ 0, got ${costBps}`);
  const turnover = Math.abs(trade.targetWeight - trade.currentWeight);
  return { turnover, cost: (costBps / 10_000) * turnover };
}

/** One target's outcome over the next bar. */
export function targetOutcome(trade: TargetTrade, ret: number, costBps: number): TargetOutcome {
  const { turnover, cost } = tradeCost(trade, costBps);
  const gross = trade.targetWeight * ret;
  return { assetReturn: ret, gross, turnover, cost, net: gross - cost };
}

export interface DecisionResult {
  gross: number;
  cost: number;
  net: number;
  /** Σ |Δw| over the targets. */
  turnover: number;
}

/** A decision's result: the sum over its targets. */
export function decisionResult(targets: readonly Omit<TargetOutcome, 'assetReturn'>[]): DecisionResult {
  const sum: DecisionResult = { gross: 0, cost: 0, net: 0, turnover: 0 };
  for (const t of targets) {
    sum.gross += t.gross;
    sum.cost += t.cost;
    sum.net += t.net;
    sum.turnover += t.turnover;
  }
  return sum;
}

/** Bars a year per timeframe: 252 trading days; intraday bars over a 6.5-hour US session. */
const PERIODS_PER_YEAR: Readonly<Record<string, number>> = {
  '1d': 252,
  '1h': 252 * 6.5,
  '5m': 252 * 78,
  '1m': 252 * 390,
};

/** Periods per year used to annualise a timeframe's per-bar results. */
export function periodsPerYear(timeframe: string): number {
  const periods = PERIODS_PER_YEAR[timeframe];
  if (periods === undefined)
    throw new RangeError(`timeframe must be one of 1d, 1h, 5m, 1m, got ${timeframe}`);
  return periods;
}

export interface OutcomeSummary {
  decisions: number;
  /** Compounded: Π(1 + net) − 1. */
  totalNet: number;
  meanNet: number;
  /** Annualised Sharpe of the per-decision net returns (sample sd, risk-free 0). */
  sharpe: number;
  /**
   * Its standard error, Lo (2002) for i.i.d. returns: SE(SR) ≈ √((1 + SR²/2) / T) per period,
   * × √periodsPerYear. NaN with fewer than 2 decisions.
   */
  sharpeStdErr: number;
  /** Among decisions with net ≠ 0, the fraction with net > 0. */
  hitRate: number;
  /** Mean Σ|Δw| per decision. */
  meanTurnover: number;
  maxDrawdown: number;
  /** Decisions the risk check resized or rejected. */
  riskRuleHits: number;
}

/**
 * Summary of per-decision net returns in time order (one per period), with each decision's
 * turnover; `riskRuleHits` is counted by the caller (it is a property of the decisions).
 */
export function summarizeOutcomes(
  net: Float64Array,
  turnover: Float64Array,
  options: { periodsPerYear: number; riskRuleHits: number },
): OutcomeSummary {
  if (turnover.length !== net.length)
    throw new RangeError(`turnover has ${turnover.length} values for ${net.length} decisions`);
  const P = options.periodsPerYear;
  const stats = performanceStats(net, { periodsPerYear: P, turnover });
  const n = net.length;
  const perPeriod = stats.sharpe / Math.sqrt(P);
  const stdErr =
    n > 1 && Number.isFinite(perPeriod) ? Math.sqrt((1 + perPeriod ** 2 / 2) / n) * Math.sqrt(P) : NaN;
  let sum = 0;
  for (const x of net) sum += x;
  return {
    decisions: n,
    totalNet: stats.totalReturn,
    meanNet: n > 0 ? sum / n : NaN,
    sharpe: stats.sharpe,
    sharpeStdErr: stdErr,
    hitRate: stats.hitRate,
    meanTurnover: stats.turnover,
    maxDrawdown: stats.maxDrawdown,
    riskRuleHits: options.riskRuleHits,
  };
}
