/**
 * Regime probabilities for the decision path, precomputed: the stored HMM of the benchmark
 * series (ENGINE_REGIME_SYMBOL, SPY by default) run over its bars as a forward filter followed
 * by the causal EMA the disruption measure uses (half-life stored with the model). Both are
 * causal, so the row at bar t is exactly a function of the bars ≤ t; a decision at asOf
 * binary-searches the last bar at or before asOf (the same point-in-time rule as the features)
 * and reads that row: O(log n), no allocation. `at` serves the smoothed row; `variantsAt`
 * also gives the raw filtered row and the hard switch (one-hot of its most likely regime),
 * for the counterfactuals a replay compares.
 *
 * A live bar of the benchmark advances the table in place (`append`, O(1) amortised) with the
 * same streaming steps a rebuild runs, so appending and rebuilding give identical rows.
 *
 * Without a usable model (none stored yet, params unreadable, bars missing) every lookup is
 * the uniform 1/3 each, and `source.note` says why; so does a lookup before the first bar
 * the filter covers (the first `volWindow` bars have no observation).
 */
import {
  createRegimeStream,
  DEFAULT_SMOOTHING_HALF_LIFE,
  mostLikelyRegime,
  type BarColumns,
  type RegimeProbabilities,
  type RegimeStream,
} from '@tradeplane/quant';
import { z } from 'zod';
import { lastIndexAtOrBefore } from '../features';

/** What `repos.regimes.latestModel` returns, as far as the engine needs it. */
export interface StoredRegimeModel {
  version: string;
  symbol: string;
  timeframe: string;
  params: unknown;
}

/**
 * The `params` JSON the regime fit job stores: HMM parameters, state labels, volatility window,
 * smoothing half-life (bars; models stored before it existed use the default).
 */
const storedRegimeParams = z.object({
  pi: z.array(z.number()),
  transition: z.array(z.array(z.number())),
  means: z.array(z.array(z.number())),
  vars: z.array(z.array(z.number())),
  labels: z.array(z.enum(['bull', 'bear', 'sideways'])),
  volWindow: z.number().int().min(2),
  smoothingHalfLife: z.number().positive().finite().optional(),
});

export interface RegimePoint {
  bull: number;
  bear: number;
  sideways: number;
  /** The benchmark bar the probabilities are filtered to; null for the uniform fallback. */
  barTime: string | null;
  /** Why the probabilities are the uniform 1/3, when they are. */
  note: string | null;
}

/** One bar's regime input three ways: what is served, and the two unsmoothed alternatives. */
export interface RegimeVariants {
  /** The causal EMA of the filtered probabilities: what decisions receive (`at`). */
  smoothed: RegimePoint;
  /** The forward filter's P(regime | bars ≤ t). */
  filtered: RegimePoint;
  /** One-hot of the filtered argmax (ties in REGIME_LABELS order). */
  hard: RegimePoint;
}

export interface RegimeSource {
  /** Version of the stored regime model; null when the uniform fallback is in force. */
  model: string | null;
  symbol: string;
  timeframe: string;
  /** Bars covered by the filter. */
  bars: number;
  /** Half-life in bars of the smoothing served; null for the uniform fallback. */
  halfLife: number | null;
  /** Why the uniform fallback is in force, when it is. */
  note: string | null;
}

const UNIFORM = 1 / 3;

function point(p: RegimeProbabilities, barTime: string | null, note: string | null): RegimePoint {
  return Object.freeze({ bull: p.bull, bear: p.bear, sideways: p.sideways, barTime, note });
}

function uniformVariants(note: string): RegimeVariants {
  const p = point({ bull: UNIFORM, bear: UNIFORM, sideways: UNIFORM }, null, note);
  return Object.freeze({ smoothed: p, filtered: p, hard: p });
}

export class RegimeTable {
  /** Bar times of the rows, with room to append; `tsView` is the first `rows.length`. */
  private ts: Float64Array;
  private tsView: Float64Array;
  private readonly rows: RegimeVariants[] = [];
  private sourceNow: RegimeSource;

  private constructor(
    source: RegimeSource,
    private readonly stream: RegimeStream | null,
    private readonly before: RegimeVariants,
    capacity: number,
  ) {
    this.sourceNow = Object.freeze(source);
    this.ts = new Float64Array(Math.max(16, capacity));
    this.tsView = this.ts.subarray(0, 0);
  }

  /** Uniform 1/3 at every asOf, with the reason. */
  static uniform(symbol: string, timeframe: string, note: string): RegimeTable {
    return new RegimeTable(
      { model: null, symbol, timeframe, bars: 0, halfLife: null, note },
      null,
      uniformVariants(note),
      0,
    );
  }

  /**
   * Filters and smooths the whole series with the stored model. Throws a RangeError when the
   * params or the bars cannot be used (the caller falls back to `uniform` with the message).
   */
  static fromModel(model: StoredRegimeModel, bars: BarColumns): RegimeTable {
    const parsed = storedRegimeParams.safeParse(model.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new RangeError(`regime model ${model.version}: params.${issue.path.join('.')} ${issue.message}`);
    }
    const { labels, volWindow, smoothingHalfLife, ...params } = parsed.data;
    const halfLife = smoothingHalfLife ?? DEFAULT_SMOOTHING_HALF_LIFE;
    const n = bars.ts.length;
    if (n <= volWindow) {
      throw new RangeError(
        `regime model ${model.version}: ${n} ${model.timeframe} bars of ${model.symbol}, more than ${volWindow} needed`,
      );
    }
    const stream = createRegimeStream(params, labels, { volWindow, halfLife });
    const firstBar = new Date(bars.ts[volWindow]!).toISOString();
    const before = uniformVariants(
      `asOf is before ${firstBar}, the first ${model.symbol} bar the regime filter covers`,
    );
    const table = new RegimeTable(
      {
        model: model.version,
        symbol: model.symbol,
        timeframe: model.timeframe,
        bars: 0,
        halfLife,
        note: null,
      },
      stream,
      before,
      2 * n,
    );
    for (let i = 0; i < n; i++) table.push(bars.ts[i]!, bars.close[i]!);
    table.refreshSource();
    return table;
  }

  get source(): RegimeSource {
    return this.sourceNow;
  }

  /** The served (smoothed) regime at asOf: from the benchmark bars ≤ asOf only. */
  at(asOfMs: number): RegimePoint {
    const i = lastIndexAtOrBefore(this.tsView, asOfMs);
    return i < 0 ? this.before.smoothed : this.rows[i]!.smoothed;
  }

  /** Smoothed, filtered and hard-switch regime at asOf (the uniform fallback for all three). */
  variantsAt(asOfMs: number): { smoothed: RegimePoint; filtered: RegimePoint; hard: RegimePoint } {
    const i = lastIndexAtOrBefore(this.tsView, asOfMs);
    return i < 0 ? this.before : this.rows[i]!;
  }

  /** Benchmark bars consumed (the next appended bar must be bar number `closes`); 0 when uniform. */
  get closes(): number {
    return this.stream?.bars ?? 0;
  }

  /** Whether `append` can extend this table (a model's table, not the uniform fallback). */
  get appendable(): boolean {
    return this.stream !== null;
  }

  /**
   * The benchmark's next closed bar: one streaming step, in place. The caller guarantees the
   * bar follows the ones consumed (RegimeService checks the series and its index).
   */
  append(tsMs: number, close: number): void {
    if (!this.stream) throw new RangeError('the uniform regime table has no model to advance');
    const last = this.rows.length > 0 ? this.tsView[this.rows.length - 1]! : -Infinity;
    if (!(tsMs > last)) throw new RangeError(`regime table: bar ${tsMs} is not after the last bar ${last}`);
    this.push(tsMs, close);
    this.refreshSource();
  }

  /** The newest filtered bar, for /healthz. */
  get lastBarTime(): string | null {
    return this.rows.at(-1)?.smoothed.barTime ?? null;
  }

  private push(tsMs: number, close: number): void {
    const step = this.stream!.push(close);
    if (step === null) return;
    const barTime = new Date(tsMs).toISOString();
    const likeliest = mostLikelyRegime(step.filtered);
    const hard = { bull: 0, bear: 0, sideways: 0 };
    hard[likeliest] = 1;
    const n = this.rows.length;
    if (n === this.ts.length) {
      const grown = new Float64Array(2 * n);
      grown.set(this.ts);
      this.ts = grown;
    }
    this.ts[n] = tsMs;
    this.tsView = this.ts.subarray(0, n + 1);
    this.rows.push(
      Object.freeze({
        smoothed: point(step.smoothed, barTime, null),
        filtered: point(step.filtered, barTime, null),
        hard: point(hard, barTime, null),
      }),
    );
  }

  private refreshSource(): void {
    this.sourceNow = Object.freeze({ ...this.sourceNow, bars: this.rows.length });
  }
}
