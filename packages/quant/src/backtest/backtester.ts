/**
 * Vectorised (bar-by-bar, columnar) portfolio backtester.
 *
 * Timing (no lookahead): the weights decided at the close of bar t, with information up to and
 * including bar t, are held over bar t + 1 and earn returns[i][t + 1]. A strategy function is
 * called as targetWeights(t, view) where view.returns[i] is the zero-copy PREFIX returns[i][0..t]
 * (index t + 1 is out of range and reads `undefined`), so it cannot see the future through the
 * API. (A closure over the full arrays still could; a precomputed weights matrix is trusted to
 * hold in row t only what was known at t.) No decision is made at the last bar (nothing to earn).
 *
 * Accounting, per bar t (g = gross return, c = cost rate of the trade made at the close of t−1):
 *   returns[t] = (1 − c[t−1]) · (1 + Σ_i w_i[t−1] · r_i[t]) − 1,   equity[t] = Π_{s≤t} (1 + returns[s])
 * - equity starts at 1: equity[t] = 1 and returns[t] = 0 for t ≤ start (nothing held yet);
 * - weights[i][t] = holdings after the (possible) rebalance at the close of t, as fractions of
 *   equity; 1 − Σ_i w_i is cash, earning 0 (negative cash = borrowing, also at 0; no margin model);
 * - between rebalances weights drift: w_i ← w_i (1 + r_i) / (1 + g);
 * - turnover[t] = Σ_i |target_i − drifted_i| at a rebalance at t (fraction of equity traded, each
 *   dollar bought or sold counted once; 0 elsewhere), costs[t] = costBps · 1e−4 · turnover[t]:
 *   the trade at the close of t removes exactly that fraction of equity, booked in returns[t + 1]
 *   (so equity[t] is the close-of-t mark before that trade's cost).
 * Missing data: asset i is tradable at t iff returns[i][t] is finite (see backtestReturns). At a
 * rebalance the target weight of a non-tradable asset is set to 0 (a position in it is closed at
 * the last known price) and, with nanPolicy 'renormalize' (default), the tradable targets are
 * scaled up to keep the requested gross exposure Σ|w|; with 'cash' the freed weight stays in cash.
 * A held asset whose return is NaN earns 0 over that bar (marked at its last known price).
 * stats = performanceStats over returns[start+1 .. n−1] (the bars a position can be held over),
 * with the turnover path of the decisions start .. n−2; its drawdown indices are bar indices − start.
 */
import { performanceStats, type PerformanceStats } from './metrics';

/** What a strategy sees when deciding at the close of bar t. */
export interface BacktestView {
  /** Per asset, returns[i][0..t] (prefix views: nothing after t). Read-only by contract. */
  readonly returns: readonly ArrayLike<number>[];
  /** Current holdings: weights drifted through bar t, before this bar's rebalance (a copy). */
  readonly weights: ArrayLike<number>;
  /** Equity at the close of bar t (before this bar's trade). */
  readonly equity: number;
}

/** Target weights decided at t (one per asset), or null to keep the drifting holdings. */
export type TargetWeightsFn = (t: number, view: BacktestView) => ArrayLike<number> | null;

export type NanPolicy = 'renormalize' | 'cash';

export interface BacktestOptions {
  /** Per asset, simple returns per bar (all the same length); NaN = not tradable that bar. */
  returns: readonly Float64Array[];
  /**
   * A strategy function, or a precomputed matrix (one Float64Array per asset, same length as the
   * returns) whose row t is the target decided at t; a row that is entirely NaN means "no rebalance".
   */
  targetWeights: TargetWeightsFn | readonly Float64Array[];
  /** Cost per unit of traded notional, in basis points (10 = 0.1%). */
  costBps: number;
  /** Rebalance (ask for targets) only every k-th bar from `start`. Default 1. */
  rebalanceEvery?: number;
  /** First decision bar; earlier bars are warm-up in cash. Default 0. */
  start?: number;
  nanPolicy?: NanPolicy;
  periodsPerYear?: number;
  /** Annual risk-free rate for the Sharpe ratio in `stats`. */
  riskFree?: number;
}

export interface BacktestResult {
  /** Equity per bar, starting at 1. */
  equity: Float64Array;
  /** Net portfolio return per bar (returns[t] earned over bar t); 0 up to `start`. */
  returns: Float64Array;
  /** Per asset, the holdings after the close of each bar (see the header). */
  weights: Float64Array[];
  /** Traded fraction of equity at each bar's close. */
  turnover: Float64Array;
  /** Cost of each bar's trade as a fraction of equity (charged in the next bar's return). */
  costs: Float64Array;
  stats: PerformanceStats;
}

function validate(options: BacktestOptions): { nBars: number; every: number; start: number } {
  const { returns, costBps, rebalanceEvery: every = 1, start = 0 } = options;
  if (returns.length === 0) throw new RangeError('backtest: no assets');
  const nBars = returns[0]!.length;
  if (returns.some((r) => r.length !== nBars)) throw new RangeError('backtest: returns lengths differ');
  if (nBars < 2) throw new RangeError('backtest: need at least 2 bars');
  if (!(Number.isFinite(costBps) && costBps >= 0)) throw new RangeError(`backtest: bad costBps ${costBps}`);
  if (!(Number.isInteger(every) && every >= 1)) throw new RangeError(`backtest: bad rebalanceEvery ${every}`);
  if (!(Number.isInteger(start) && start >= 0 && start < nBars - 1))
    throw new RangeError(`backtest: start ${start} outside [0, ${nBars - 2}]`);
  const tw = options.targetWeights;
  if (typeof tw !== 'function' && (tw.length !== returns.length || tw.some((w) => w.length !== nBars)))
    throw new RangeError('backtest: the weights matrix must have one column per asset, one row per bar');
  return { nBars, every, start };
}

/** Row t of a precomputed matrix, or null when the whole row is NaN. */
function matrixRow(matrix: readonly Float64Array[], t: number): Float64Array | null {
  const row = Float64Array.from(matrix, (w) => w[t]!);
  return row.some((x) => !Number.isNaN(x)) ? row : null;
}

/** Apply the tradability rule and NaN policy to a raw target; returns the weights to hold. */
function sanitize(raw: ArrayLike<number>, returns: readonly Float64Array[], t: number, policy: NanPolicy) {
  if (raw.length !== returns.length)
    throw new RangeError(`backtest: target at ${t} has ${raw.length} weights for ${returns.length} assets`);
  const out = new Float64Array(raw.length);
  let gross = 0;
  let grossTradable = 0;
  for (let i = 0; i < raw.length; i++) {
    const x = raw[i]!;
    const tradable = Number.isFinite(returns[i]![t]);
    if (!tradable) {
      if (Number.isFinite(x)) gross += Math.abs(x);
      continue;
    }
    if (!Number.isFinite(x)) throw new RangeError(`backtest: target weight ${i} at ${t} is ${x}`);
    out[i] = x;
    gross += Math.abs(x);
    grossTradable += Math.abs(x);
  }
  if (policy === 'renormalize' && grossTradable > 0 && gross > grossTradable) {
    const scale = gross / grossTradable;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale;
  }
  return out;
}

export function backtest(options: BacktestOptions): BacktestResult {
  const { nBars, every, start } = validate(options);
  const { returns, targetWeights, costBps, nanPolicy = 'renormalize' } = options;
  const nAssets = returns.length;
  const equity = new Float64Array(nBars).fill(1);
  const net = new Float64Array(nBars);
  const weights = Array.from({ length: nAssets }, () => new Float64Array(nBars));
  const turnover = new Float64Array(nBars);
  const costs = new Float64Array(nBars);
  const held = new Float64Array(nAssets);

  for (let t = start; t < nBars; t++) {
    if (t > start) {
      // Mark to market over bar t with the holdings chosen at t − 1, net of that trade's cost.
      let g = 0;
      for (let i = 0; i < nAssets; i++) {
        const r = returns[i]![t]!;
        if (Number.isFinite(r)) g += held[i]! * r;
      }
      const growth = (1 - costs[t - 1]!) * (1 + g);
      net[t] = growth - 1;
      equity[t] = equity[t - 1]! * growth;
      for (let i = 0; i < nAssets; i++) {
        const r = returns[i]![t]!;
        held[i] = 1 + g > 0 ? (held[i]! * (1 + (Number.isFinite(r) ? r : 0))) / (1 + g) : 0;
      }
    }
    if (t < nBars - 1 && (t - start) % every === 0) {
      const raw =
        typeof targetWeights === 'function'
          ? targetWeights(t, {
              returns: returns.map((r) => r.subarray(0, t + 1)),
              weights: held.slice(),
              equity: equity[t]!,
            })
          : matrixRow(targetWeights, t);
      if (raw !== null) {
        const target = sanitize(raw, returns, t, nanPolicy);
        let traded = 0;
        for (let i = 0; i < nAssets; i++) traded += Math.abs(target[i]! - held[i]!);
        turnover[t] = traded;
        costs[t] = costBps * 1e-4 * traded;
        held.set(target);
      }
    }
    for (let i = 0; i < nAssets; i++) weights[i]![t] = held[i]!;
  }

  const stats = performanceStats(net.subarray(start + 1), {
    periodsPerYear: options.periodsPerYear ?? 252,
    riskFree: options.riskFree ?? 0,
    turnover: turnover.subarray(start, nBars - 1),
  });
  return { equity, returns: net, weights, turnover, costs, stats };
}
