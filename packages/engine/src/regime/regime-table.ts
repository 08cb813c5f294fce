/**
 * Regime probabilities for the decision path, precomputed: the stored HMM of the benchmark
 * series (ENGINE_REGIME_SYMBOL, SPY by default) run as a forward filter over its bars once,
 * when the model or the bars change. The filter is causal, so the row at bar t is exactly
 * P(regime | bars ≤ t); a decision at asOf binary-searches the last bar at or before asOf
 * (the same point-in-time rule as the features) and reads that row: O(log n), no allocation.
 *
 * Without a usable model (none stored yet, params unreadable, bars missing) every lookup is
 * the uniform 1/3 each, and `source.note` says why; so does a lookup before the first bar
 * the filter covers (the first `volWindow` bars have no observation).
 */
import {
  forwardFilter,
  regimeObservations,
  regimeProbabilities,
  type BarColumns,
  type HmmParams,
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

/** The `params` JSON the regime fit job stores: HMM parameters, state labels, volatility window. */
const storedRegimeParams = z.object({
  pi: z.array(z.number()),
  transition: z.array(z.array(z.number())),
  means: z.array(z.array(z.number())),
  vars: z.array(z.array(z.number())),
  labels: z.array(z.enum(['bull', 'bear', 'sideways'])),
  volWindow: z.number().int().min(2),
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

export interface RegimeSource {
  /** Version of the stored regime model; null when the uniform fallback is in force. */
  model: string | null;
  symbol: string;
  timeframe: string;
  /** Bars covered by the filter. */
  bars: number;
  /** Why the uniform fallback is in force, when it is. */
  note: string | null;
}

const UNIFORM = 1 / 3;

export class RegimeTable {
  private constructor(
    readonly source: RegimeSource,
    private readonly ts: Float64Array,
    private readonly points: readonly RegimePoint[],
    private readonly before: RegimePoint,
  ) {}

  /** Uniform 1/3 at every asOf, with the reason. */
  static uniform(symbol: string, timeframe: string, note: string): RegimeTable {
    const point = Object.freeze({ bull: UNIFORM, bear: UNIFORM, sideways: UNIFORM, barTime: null, note });
    return new RegimeTable({ model: null, symbol, timeframe, bars: 0, note }, new Float64Array(0), [], point);
  }

  /**
   * Filters the whole series with the stored model. Throws a RangeError when the params or
   * the bars cannot be used (the caller falls back to `uniform` with the message).
   */
  static fromModel(model: StoredRegimeModel, bars: BarColumns): RegimeTable {
    const parsed = storedRegimeParams.safeParse(model.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new RangeError(`regime model ${model.version}: params.${issue.path.join('.')} ${issue.message}`);
    }
    const { labels, volWindow, ...hmm } = parsed.data;
    const params: HmmParams = hmm;
    if (bars.ts.length <= volWindow) {
      throw new RangeError(
        `regime model ${model.version}: ${bars.ts.length} ${model.timeframe} bars of ${model.symbol}, more than ${volWindow} needed`,
      );
    }
    const { obs, firstIndex } = regimeObservations(bars.close, volWindow);
    const rows = regimeProbabilities(forwardFilter(obs, params), labels);
    const ts = bars.ts.slice(firstIndex);
    const points = rows.map((r, i) =>
      Object.freeze({
        bull: r.bull,
        bear: r.bear,
        sideways: r.sideways,
        barTime: new Date(ts[i]!).toISOString(),
        note: null,
      }),
    );
    const before = Object.freeze({
      bull: UNIFORM,
      bear: UNIFORM,
      sideways: UNIFORM,
      barTime: null,
      note: `asOf is before ${points[0]!.barTime}, the first ${model.symbol} bar the regime filter covers`,
    });
    return new RegimeTable(
      {
        model: model.version,
        symbol: model.symbol,
        timeframe: model.timeframe,
        bars: points.length,
        note: null,
      },
      ts,
      points,
      before,
    );
  }

  /** P(regime | benchmark bars ≤ asOf). */
  at(asOfMs: number): RegimePoint {
    const i = lastIndexAtOrBefore(this.ts, asOfMs);
    return i < 0 ? this.before : this.points[i]!;
  }

  /** The newest filtered bar, for /healthz. */
  get lastBarTime(): string | null {
    return this.points.at(-1)?.barTime ?? null;
  }
}
