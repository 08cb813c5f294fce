/**
 * Value at risk and conditional value at risk (expected shortfall) of a weighted portfolio,
 * one period ahead at the data's frequency (daily for daily returns). Losses are reported as
 * positive numbers: VaR 0.02 means "a loss of 2% or worse on (1 − level) of days".
 */
import { inverseNormalCdf, normalPdf } from './normal';
import type { ReturnsTable } from './returns';

export type VarMethod = 'historical' | 'parametric';

/**
 * How a day with some weighted assets missing is handled:
 * - 'renormalize' (default): use the assets present that day, scaling their weights by
 *   G/G_avail (G = Σ|w| of all weighted assets, G_avail = Σ|w| of those present). For
 *   long-only weights that is w_i / Σ_present w_j × Σ w_j: the same gross exposure spread over
 *   what is tradable. A day with no weighted asset present is skipped.
 * - 'complete': only days on which every asset with a non-zero weight has a return.
 */
export type MissingPolicy = 'renormalize' | 'complete';

export interface PortfolioReturns {
  dates: string[];
  returns: Float64Array;
}

/** Portfolio returns Σ w_i·r_i per date under a {@link MissingPolicy}. Unlisted columns weigh 0. */
export function portfolioReturns(
  table: ReturnsTable,
  weights: Record<string, number>,
  missing: MissingPolicy = 'renormalize',
): PortfolioReturns {
  const used: Array<{ r: Float64Array; w: number }> = [];
  for (const [symbol, w] of Object.entries(weights)) {
    if (!Number.isFinite(w)) throw new RangeError(`weight of '${symbol}' is ${w}, not a finite number`);
    const c = table.columns.indexOf(symbol);
    if (c < 0) throw new RangeError(`weight given for '${symbol}', which is not a column of the returns`);
    if (w !== 0) used.push({ r: table.returns[c]!, w });
  }
  if (used.length === 0) throw new RangeError('every weight is zero: no portfolio');
  const gross = used.reduce((s, u) => s + Math.abs(u.w), 0);
  const dates: string[] = [];
  const out: number[] = [];
  table.dates.forEach((date, t) => {
    let sum = 0;
    let present = 0;
    for (const { r, w } of used) {
      const x = r[t]!;
      if (Number.isFinite(x)) {
        sum += w * x;
        present += Math.abs(w);
      }
    }
    if (present === 0 || (missing === 'complete' && present < gross)) return;
    dates.push(date);
    out.push(present === gross ? sum : (sum * gross) / present);
  });
  return { dates, returns: Float64Array.from(out) };
}

export interface VarFigures {
  /** Loss threshold exceeded with probability 1 − level (positive = loss). */
  var: number;
  /** Mean loss on the days at or beyond the VaR (positive = loss). */
  cvar: number;
}

/**
 * Historical VaR/CVaR. q = empirical (1 − level) quantile of the returns with linear
 * interpolation between order statistics — Hyndman & Fan type 7, NumPy `np.quantile`'s and
 * pandas' default: h = (n − 1)(1 − level), q = x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) on the
 * ascending sort. VaR = −q; CVaR = −mean{x : x ≤ q} (never empty, and CVaR ≥ VaR).
 */
export function historicalVar(returns: ArrayLike<number>, level: number): VarFigures {
  checkLevel(level);
  const x = Float64Array.from(returns).filter((v) => Number.isFinite(v));
  if (x.length === 0) throw new RangeError('historical VaR needs at least one return');
  x.sort();
  const h = (x.length - 1) * (1 - level);
  const lo = Math.floor(h);
  const q = x[lo]! + (lo + 1 < x.length ? (h - lo) * (x[lo + 1]! - x[lo]!) : 0);
  let sum = 0;
  let count = 0;
  for (const v of x) {
    if (v > q) break;
    sum += v;
    count++;
  }
  return { var: -q, cvar: -sum / count };
}

/**
 * Gaussian (variance–covariance) VaR/CVaR for returns ~ N(μ, σ²), z = Φ⁻¹(level):
 * VaR = z·σ − μ, CVaR = σ·φ(z)/(1 − level) − μ (the mean of the normal tail beyond the VaR).
 */
export function parametricVar(mean: number, sd: number, level: number): VarFigures {
  checkLevel(level);
  if (!(sd >= 0) || !Number.isFinite(mean))
    throw new RangeError(`need finite μ and σ ≥ 0, got ${mean}, ${sd}`);
  const z = inverseNormalCdf(level);
  return { var: z * sd - mean, cvar: (sd * normalPdf(z)) / (1 - level) - mean };
}

export interface PortfolioVarOptions {
  /** Confidence level in (0, 1), e.g. 0.95 or 0.99 (default 0.95). */
  level?: number;
  /** Default 'historical'. */
  method?: VarMethod;
  /** Default 'renormalize'. */
  missing?: MissingPolicy;
}

export interface PortfolioVarResult extends VarFigures {
  level: number;
  method: VarMethod;
  /** Mean and sample standard deviation (n − 1) of the portfolio returns used. */
  mean: number;
  sd: number;
  /** Number of portfolio returns used. */
  observations: number;
}

/** VaR and CVaR of the portfolio with these weights over the returns table. */
export function portfolioVar(
  table: ReturnsTable,
  weights: Record<string, number>,
  options: PortfolioVarOptions = {},
): PortfolioVarResult {
  const level = options.level ?? 0.95;
  const method = options.method ?? 'historical';
  if (method !== 'historical' && method !== 'parametric') {
    throw new RangeError(`unknown VaR method '${String(method)}' (use historical or parametric)`);
  }
  const { returns } = portfolioReturns(table, weights, options.missing ?? 'renormalize');
  const n = returns.length;
  if (n < 2) throw new RangeError(`portfolio VaR needs at least 2 portfolio returns, got ${n}`);
  const mean = returns.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const figures = method === 'historical' ? historicalVar(returns, level) : parametricVar(mean, sd, level);
  return { ...figures, level, method, mean, sd, observations: n };
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}
