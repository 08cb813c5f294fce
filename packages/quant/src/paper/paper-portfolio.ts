/**
 * A paper portfolio: the book a trading client holds when it acts on every decision, marked
 * to market bar by bar. Pure: prices, targets and bar times come in, nothing is read.
 *
 * Weights are signed fractions of equity; what they do not hold is cash, earning 0. At each
 * bar, in this order:
 * 1. `markToMarket(ts, closes)`: the book held since the previous bar earns
 *    R = Σᵢ wᵢ·rᵢ with rᵢ = close_t / close_prev − 1 (a symbol without a new close earns 0),
 *    and its weights drift with the prices: wᵢ ← wᵢ·(1 + rᵢ) / (1 + R). The drifted weights
 *    are what the book holds now: the next decision request's `portfolio`.
 * 2. `rebalance(targets, verdict)`: trades from the drifted weights to the decision's targets
 *    (symbols without a target keep their weight). Turnover Σᵢ |targetᵢ − wᵢ| (every unit
 *    bought or sold counted once, the convention of `performanceStats`), cost =
 *    turnover · costBps / 10⁴ of equity, and the bar's net return (1 + R)·(1 − cost) − 1.
 *    The book now held is checked against the exposure limits (`checkLimits`), and so is the
 *    drifted book before the trade (drift alone can carry a position over a limit).
 * The summary's Sharpe, drawdown and turnover are `performanceStats` of the net returns.
 */
import { performanceStats, type PerformanceStats } from '../backtest/metrics';
import { checkLimits, type LimitBreach, type LimitCode, type LimitOptions } from '../risk/limits';
import type { PreTradeVerdict } from '../risk/pre-trade';

export interface PaperPortfolioOptions {
  /** Trading cost, basis points of equity per unit of turnover (default 0). */
  costBps?: number;
  /** Exposure limits the held book is checked against (the `checkLimits` defaults otherwise). */
  limits?: LimitOptions;
  /** Equity before the first bar (default 1). */
  initialEquity?: number;
}

/** One bar of the paper portfolio, after its trade. */
export interface PaperBar {
  /** Bar time, epoch ms. */
  ts: number;
  /** Return of the book held since the previous bar, before costs (0 on the first bar). */
  grossReturn: number;
  /** Σᵢ |targetᵢ − drifted wᵢ| traded at this bar. */
  turnover: number;
  /** turnover · costBps / 10⁴, a fraction of equity. */
  cost: number;
  /** (1 + grossReturn)·(1 − cost) − 1. */
  netReturn: number;
  /** Equity after the trade. */
  equity: number;
  /** The book held after the trade (every symbol ever held; 0 once sold). */
  weights: Record<string, number>;
  /** The risk verdict of the decision acted on, null when none was given. */
  verdict: PreTradeVerdict | null;
  /** Limit breaches of the book held after the trade: violations. */
  breaches: LimitBreach[];
  /** Limit breaches of the drifted book before the trade. */
  driftBreaches: LimitBreach[];
}

export interface PaperSummary {
  /** Bars traded. */
  bars: number;
  initialEquity: number;
  equity: number;
  /** `performanceStats` of the per-bar net returns, turnover from the traded amounts. */
  stats: PerformanceStats;
  verdicts: Record<PreTradeVerdict, number>;
  violations: {
    /** Bars whose held book (after the trade) breached a limit: the goal is 0. */
    bars: number;
    /** Breaches over all those bars, and by code. */
    breaches: number;
    byCode: Record<LimitCode, number>;
    /** Bars whose drifted book breached a limit before the trade. */
    driftBars: number;
  };
}

export class PaperPortfolio {
  private readonly costBps: number;
  private readonly limits: LimitOptions;
  private readonly initialEquity: number;
  private readonly held = new Map<string, number>();
  private readonly lastClose = new Map<string, number>();
  private readonly history: PaperBar[] = [];
  private equityNow: number;
  /** The bar marked and not yet traded: its time and gross return. */
  private pending: { ts: number; grossReturn: number; equityBefore: number } | null = null;

  constructor(options: PaperPortfolioOptions = {}) {
    this.costBps = options.costBps ?? 0;
    this.initialEquity = options.initialEquity ?? 1;
    this.limits = options.limits ?? {};
    if (!(Number.isFinite(this.costBps) && this.costBps >= 0))
      throw new RangeError(`costBps must be a finite number ≥ 0, got ${this.costBps}`);
    if (!(Number.isFinite(this.initialEquity) && this.initialEquity > 0))
      throw new RangeError(`initialEquity must be a finite number > 0, got ${this.initialEquity}`);
    this.equityNow = this.initialEquity;
  }

  /** Equity now (after the last trade, or after the last mark when a trade is pending). */
  get equity(): number {
    return this.pending ? this.pending.equityBefore * (1 + this.pending.grossReturn) : this.equityNow;
  }

  /** The book held now, non-zero positions only: the next decision request's `portfolio`. */
  get weights(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [symbol, w] of this.held) if (w !== 0) out[symbol] = w;
    return out;
  }

  /** Every bar traded so far, oldest first. */
  get bars(): readonly PaperBar[] {
    return this.history;
  }

  /**
   * Marks the book to the closes of the bar at `ts` (the latest close at or before `ts` of
   * each symbol; one that is absent keeps its previous close) and drifts its weights. Returns
   * the gross return of the book held since the previous bar. Bar times must increase, and a
   * mark must be followed by `rebalance` before the next one.
   */
  markToMarket(ts: number, closes: Readonly<Record<string, number>>): number {
    if (this.pending) throw new Error(`bar ${ts}: the bar at ${this.pending.ts} was marked and not traded`);
    const last = this.history.at(-1);
    if (!Number.isFinite(ts) || (last && ts <= last.ts))
      throw new RangeError(`bar time ${ts} must be finite and after the previous bar (${last?.ts})`);
    for (const [symbol, close] of Object.entries(closes)) {
      if (!(Number.isFinite(close) && close > 0))
        throw new RangeError(`close of '${symbol}' at ${ts} is ${close}, not a positive number`);
    }
    let grossReturn = 0;
    const growth = new Map<string, number>();
    for (const [symbol, w] of this.held) {
      const prev = this.lastClose.get(symbol)!;
      const g = Object.hasOwn(closes, symbol) ? closes[symbol]! / prev : 1;
      growth.set(symbol, g);
      grossReturn += w * (g - 1);
    }
    const total = 1 + grossReturn;
    for (const [symbol, w] of this.held) {
      // A total loss leaves nothing to hold.
      this.held.set(symbol, total > 0 ? (w * growth.get(symbol)!) / total : 0);
    }
    for (const [symbol, close] of Object.entries(closes)) this.lastClose.set(symbol, close);
    this.pending = { ts, grossReturn, equityBefore: this.equityNow };
    return grossReturn;
  }

  /**
   * Trades the marked bar's book to `targets` (symbol → weight; a symbol not listed keeps its
   * drifted weight) and records the bar. `verdict` is the decision's risk verdict. A target
   * on a symbol without a close so far is refused (it could not be marked).
   */
  rebalance(targets: Readonly<Record<string, number>>, verdict: PreTradeVerdict | null): PaperBar {
    const pending = this.pending;
    if (!pending) throw new Error('rebalance: mark the bar to market first');
    for (const [symbol, w] of Object.entries(targets)) {
      if (!Number.isFinite(w))
        throw new RangeError(`target weight of '${symbol}' is ${w}, not a finite number`);
      if (w !== 0 && !this.lastClose.has(symbol))
        throw new RangeError(`target weight of '${symbol}': no close of it up to ${pending.ts} to mark it`);
    }
    const driftBreaches = checkLimits(Object.fromEntries(this.held), this.limits);
    let turnover = 0;
    for (const [symbol, w] of Object.entries(targets)) {
      turnover += Math.abs(w - (this.held.get(symbol) ?? 0));
      this.held.set(symbol, w);
    }
    const cost = (turnover * this.costBps) / 10_000;
    const netReturn = (1 + pending.grossReturn) * (1 - cost) - 1;
    this.equityNow = pending.equityBefore * (1 + netReturn);
    const weights = Object.fromEntries(this.held);
    const bar: PaperBar = {
      ts: pending.ts,
      grossReturn: pending.grossReturn,
      turnover,
      cost,
      netReturn,
      equity: this.equityNow,
      weights,
      verdict,
      breaches: checkLimits(weights, this.limits),
      driftBreaches,
    };
    this.history.push(bar);
    this.pending = null;
    return bar;
  }

  /** The run so far: equity, performance of the net returns, verdicts and limit violations. */
  summary(periodsPerYear = 252): PaperSummary {
    const returns = Float64Array.from(this.history, (b) => b.netReturn);
    const turnover = Float64Array.from(this.history, (b) => b.turnover);
    const verdicts: Record<PreTradeVerdict, number> = { approve: 0, resize: 0, reject: 0 };
    const byCode: Record<LimitCode, number> = {
      CONCENTRATION_EXCEEDS_MAX: 0,
      GROSS_EXPOSURE_EXCEEDS_MAX: 0,
      NET_EXPOSURE_OUT_OF_RANGE: 0,
    };
    let violationBars = 0;
    let breaches = 0;
    let driftBars = 0;
    for (const bar of this.history) {
      if (bar.verdict) verdicts[bar.verdict]++;
      if (bar.breaches.length > 0) violationBars++;
      if (bar.driftBreaches.length > 0) driftBars++;
      for (const breach of bar.breaches) {
        breaches++;
        byCode[breach.code]++;
      }
    }
    return {
      bars: this.history.length,
      initialEquity: this.initialEquity,
      equity: this.equityNow,
      stats: performanceStats(returns, { periodsPerYear, turnover }),
      verdicts,
      violations: { bars: violationBars, breaches, byCode, driftBars },
    };
  }
}
