/**
 * Performance metrics of a series of periodic SIMPLE returns r[0..n−1] (r = p[t]/p[t−1] − 1).
 *
 * Conventions (P = periodsPerYear, 252 for daily bars):
 * - Every return must be finite (a RangeError otherwise): a backtest's returns never hold NaN.
 * - Equity curve: E[0] = 1 (before the first return), E[k] = Π_{j<k} (1 + r[j]), k = 0..n.
 * - CAGR: E[n]^(P/n) − 1 (geometric); −1 after a total loss.
 * - Volatility: sample standard deviation (n − 1) × √P.
 * - Sharpe: mean(r − rf) / sd(r − rf) × √P, sample sd. `riskFree` is an ANNUAL rate turned into
 *   a per-period one geometrically: rf = (1 + riskFree)^(1/P) − 1.
 * - Sortino: mean(r − τ) / DD × √P with the downside deviation DD = √( Σ min(r − τ, 0)² / n ),
 *   i.e. averaged over ALL n periods (Sortino & Price; empyrical/pyfolio), not only the losing
 *   ones. τ = `sortinoTarget`, a per-period minimum acceptable return, default 0; the risk-free
 *   rate is not used here.
 * - Max drawdown: max_k (1 − E[k] / max_{j≤k} E[j]) as a positive fraction, with the equity
 *   indices (0..n, as above) of the peak and of the trough. 0 with indices 0 when never under water.
 * - Calmar: CAGR / max drawdown over the whole series (not the trailing-36-month variant).
 * - Hit rate: among periods with r ≠ 0 (flat days are ignored), the fraction with r > 0.
 * - Turnover: per period, the fraction of equity traded Σ_i |Δw_i| (every dollar bought or sold
 *   counted once: cash → fully invested is 1, a full switch from asset A to asset B is 2).
 *   Reported as the mean per period and × P per year.
 * Ratios with a zero denominator are ±Infinity (by the numerator's sign) or NaN when both are 0;
 * statistics that need more periods than given (sd with n < 2, anything with n = 0) are NaN.
 */

export interface PerformanceOptions {
  /** Periods per year used to annualise. Default 252 (daily bars). */
  periodsPerYear?: number;
  /** Annual risk-free rate for Sharpe (e.g. 0.02). Default 0. */
  riskFree?: number;
  /** Per-period minimum acceptable return for Sortino. Default 0. */
  sortinoTarget?: number;
  /**
   * Target weights path, one Float64Array per asset, for turnover: Σ_i |w_i[t] − w_i[t−1]| with
   * w[−1] = 0 (the initial allocation from cash counts), NaN read as 0. Ignores drift between
   * periods; prefer `turnover` when the exact traded amounts are known.
   */
  weights?: readonly Float64Array[];
  /** Traded fraction of equity per period (e.g. the backtester's drift-aware series); wins over `weights`. */
  turnover?: Float64Array;
}

export interface Drawdown {
  /** Largest peak-to-trough loss as a positive fraction (0.55 = −55%). */
  maxDrawdown: number;
  /** Equity index (0..n) of the peak before the largest drawdown. */
  peakIndex: number;
  /** Equity index (0..n) of the trough of the largest drawdown. */
  troughIndex: number;
}

export interface PerformanceStats extends Drawdown {
  /** Number of return periods n. */
  periods: number;
  /** E[n] − 1. */
  totalReturn: number;
  cagr: number;
  volatility: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  hitRate: number;
  /** Mean traded fraction of equity per period (NaN when neither `weights` nor `turnover` is given). */
  turnover: number;
  /** turnover × periodsPerYear. */
  annualTurnover: number;
}

function ratio(num: number, den: number): number {
  if (den !== 0) return num / den;
  if (num === 0 || Number.isNaN(num)) return NaN;
  return num > 0 ? Infinity : -Infinity;
}

function assertFinite(returns: Float64Array): void {
  for (let i = 0; i < returns.length; i++) {
    if (!Number.isFinite(returns[i])) throw new RangeError(`returns[${i}] = ${returns[i]} is not finite`);
  }
}

/** E[0] = 1, E[k] = Π_{j<k}(1 + r[j]); length n + 1. */
export function equityCurve(returns: Float64Array): Float64Array {
  const equity = new Float64Array(returns.length + 1);
  equity[0] = 1;
  let e = 1;
  for (let i = 0; i < returns.length; i++) {
    e *= 1 + returns[i]!;
    equity[i + 1] = e;
  }
  return equity;
}

/** Largest drawdown of the equity curve built from `returns` (indices are equity indices 0..n). */
export function maxDrawdown(returns: Float64Array): Drawdown {
  let e = 1;
  let peak = 1;
  let peakAt = 0;
  const best: Drawdown = { maxDrawdown: 0, peakIndex: 0, troughIndex: 0 };
  for (let k = 1; k <= returns.length; k++) {
    e *= 1 + returns[k - 1]!;
    if (e > peak) {
      peak = e;
      peakAt = k;
    } else {
      const dd = peak > 0 ? 1 - e / peak : 0;
      if (dd > best.maxDrawdown) Object.assign(best, { maxDrawdown: dd, peakIndex: peakAt, troughIndex: k });
    }
  }
  return best;
}

/** Per-period Σ_i |w_i[t] − w_i[t−1]| of a weights path (w[−1] = 0, NaN read as 0). */
export function weightsTurnover(weights: readonly Float64Array[]): Float64Array {
  const len = weights[0]?.length ?? 0;
  const out = new Float64Array(len);
  for (const w of weights) {
    if (w.length !== len) throw new RangeError('weights: every asset needs the same length');
    let prev = 0;
    for (let t = 0; t < len; t++) {
      const x = Number.isFinite(w[t]) ? w[t]! : 0;
      out[t] = out[t]! + Math.abs(x - prev);
      prev = x;
    }
  }
  return out;
}

export function performanceStats(returns: Float64Array, options: PerformanceOptions = {}): PerformanceStats {
  const { periodsPerYear: P = 252, riskFree = 0, sortinoTarget = 0 } = options;
  if (!(P > 0)) throw new RangeError(`periodsPerYear must be > 0, got ${P}`);
  assertFinite(returns);
  const n = returns.length;
  const rf = Math.pow(1 + riskFree, 1 / P) - 1;

  let sum = 0;
  let growth = 1;
  let ups = 0;
  let moves = 0;
  for (const r of returns) {
    sum += r;
    growth *= 1 + r;
    if (r !== 0) moves++;
    if (r > 0) ups++;
  }
  const mean = n > 0 ? sum / n : NaN;
  let ss = 0;
  let downside = 0;
  for (const r of returns) {
    ss += (r - mean) ** 2;
    const below = Math.min(r - sortinoTarget, 0);
    downside += below * below;
  }
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  const downsideDev = n > 0 ? Math.sqrt(downside / n) : NaN;
  const cagr = n === 0 ? NaN : growth <= 0 ? -1 : Math.pow(growth, P / n) - 1;
  const dd = maxDrawdown(returns);

  const turnoverPath = options.turnover ?? (options.weights ? weightsTurnover(options.weights) : undefined);
  let turnover = NaN;
  if (turnoverPath && turnoverPath.length > 0) {
    let total = 0;
    for (const x of turnoverPath) total += x;
    turnover = total / turnoverPath.length;
  }

  return {
    periods: n,
    totalReturn: n > 0 ? growth - 1 : NaN,
    cagr,
    volatility: sd * Math.sqrt(P),
    sharpe: ratio(mean - rf, sd) * Math.sqrt(P),
    sortino: ratio(mean - sortinoTarget, downsideDev) * Math.sqrt(P),
    ...dd,
    calmar: n > 0 ? ratio(cagr, dd.maxDrawdown) : NaN,
    hitRate: moves > 0 ? ups / moves : NaN,
    turnover,
    annualTurnover: turnover * P,
  };
}
