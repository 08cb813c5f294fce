import { featureNames, type FeatureVectorDto, type Timeframe } from '@tradeplane/contracts';
import { IncrementalFeatures } from '@tradeplane/quant';
import { lastIndexAtOrBefore, type BarStore, type LoadedSeries } from './bar-store';
import type { LeakageMonitor } from './leakage-monitor';

export class NoDataError extends Error {
  readonly code = 'NO_DATA' as const;
}

/** How each vector was answered, since start. */
export interface FeatureServeCounters {
  /** From the columns of a series already in memory. */
  memory: number;
  /** After loading the series from the bar source on this request (the only slow case). */
  load: number;
}

/** Series states (re)built from their loaded bars, and bars pushed onto them, since start. */
export interface FeatureStateStats {
  builds: number;
  barsPushed: number;
  /** Bytes held by every live series' feature columns (capacity included). */
  columnBytes: number;
}

/**
 * Point-in-time features for (symbol, timeframe, asOf): the vector at the last bar at or
 * before asOf, computed only from bars up to that bar.
 *
 * Every loaded series has an `IncrementalFeatures` state holding each feature at each bar.
 * It is built in one O(n) pass the first time a loaded (or reloaded: a new `LoadedSeries`
 * object) series is used, and advanced in O(1) from `BarStore.onAppend`, so the vector of a
 * bar that just arrived is already computed before anyone asks. A vector is then a binary
 * search for the bar and a read of nine columns, for the latest bar as for any historical
 * asOf; nothing is recomputed on the request path and no cache sits in front (the columns are
 * the cache, and they cannot be stale: they live and die with the series object). The one
 * slow case is a series not loaded yet: `vector` loads it from the bar source once.
 */
export class FeatureService {
  readonly served: FeatureServeCounters = { memory: 0, load: 0 };
  private readonly stateStats = { builds: 0, barsPushed: 0 };
  private readonly states = new WeakMap<LoadedSeries, IncrementalFeatures>();
  /** Series with a state, for the memory figure (a WeakMap cannot be enumerated). */
  private readonly live = new Map<string, WeakRef<LoadedSeries>>();

  constructor(
    private readonly bars: BarStore,
    private readonly leakage: LeakageMonitor,
  ) {
    bars.onAppend((series) => {
      try {
        this.stateFor(series);
      } catch {
        // A bar the features refuse: the state is dropped and the next read reports it.
      }
    });
  }

  /**
   * The hot path: the series is in memory → answered without awaiting anything (a read).
   * Undefined when the series has to be loaded first. Throws NoDataError like `vector`.
   */
  vectorFromMemory(symbol: string, timeframe: Timeframe, asOfMs: number): FeatureVectorDto | undefined {
    const series = this.bars.peek(symbol, timeframe);
    if (!series) return undefined;
    const vector = this.read(series, timeframe, asOfMs, 'memory');
    this.served.memory++;
    return vector;
  }

  async vector(symbol: string, timeframe: Timeframe, asOfMs: number): Promise<FeatureVectorDto> {
    const fast = this.vectorFromMemory(symbol, timeframe, asOfMs);
    if (fast) return fast;
    const series = await this.bars.get(symbol, timeframe);
    const vector = this.read(series, timeframe, asOfMs, 'load');
    this.served.load++;
    return vector;
  }

  /** Every feature at every bar in [fromMs, toMs], for chart overlays: a copy out of the columns. */
  async series(symbol: string, timeframe: Timeframe, fromMs: number, toMs: number) {
    const loaded = await this.bars.get(symbol, timeframe);
    const columns = this.stateFor(loaded).series();
    const ts = loaded.bars.ts;
    const end = lastIndexAtOrBefore(ts, toMs);
    const start = lastIndexAtOrBefore(ts, fromMs - 1) + 1;
    const times: string[] = [];
    for (let i = start; i <= end; i++) times.push(new Date(ts[i]!).toISOString());
    return {
      symbol,
      timeframe,
      times,
      features: featureNames.map((name) => ({
        name,
        values: Array.from(columns[name].subarray(start, end + 1), (v) => (Number.isFinite(v) ? v : null)),
      })),
    };
  }

  /** Builds, pushes and the memory the feature columns hold now. */
  stats(): FeatureStateStats {
    let columnBytes = 0;
    for (const [key, ref] of this.live) {
      const series = ref.deref();
      const state = series && this.states.get(series);
      if (state) columnBytes += state.byteLength;
      else this.live.delete(key);
    }
    return { ...this.stateStats, columnBytes };
  }

  private read(
    series: LoadedSeries,
    timeframe: Timeframe,
    asOfMs: number,
    source: FeatureVectorDto['source'],
  ): FeatureVectorDto {
    const index = this.indexFor(series, asOfMs);
    const values = this.stateFor(series).vectorAt(index);
    this.leakage.maybeCheck(series, index, values);
    return {
      symbol: series.symbol,
      timeframe,
      barTime: new Date(series.bars.ts[index]!).toISOString(),
      asOf: new Date(asOfMs).toISOString(),
      values,
      source,
    };
  }

  /**
   * The state of a series, in step with its bars: built on first use of this series object,
   * then given the bars appended since (one per append, from the listener). A bar the state
   * refuses (a close that is not finite and > 0) drops it, so the next read rebuilds and
   * reports the bad bar as a RangeError.
   */
  private stateFor(series: LoadedSeries): IncrementalFeatures {
    let state = this.states.get(series);
    const n = series.bars.ts.length;
    if (!state || state.length > n) {
      // Room for live bars (an eighth more) before the columns first double.
      state = IncrementalFeatures.fromBars(series.bars, 64 + (n >> 3));
      this.states.set(series, state);
      this.live.set(`${series.symbol}\u0000${series.timeframe}`, new WeakRef(series));
      this.stateStats.builds++;
    } else if (state.length < n) {
      const from = state.length;
      try {
        state.pushRange(series.bars, from, n);
      } catch (err) {
        this.states.delete(series);
        throw err;
      }
      this.stateStats.barsPushed += n - from;
    }
    return state;
  }

  private indexFor(series: LoadedSeries, asOfMs: number): number {
    if (series.bars.ts.length === 0)
      throw new NoDataError(`no ${series.timeframe} bars for ${series.symbol}`);
    const index = lastIndexAtOrBefore(series.bars.ts, asOfMs);
    if (index < 0) {
      const first = new Date(series.bars.ts[0]!).toISOString();
      throw new NoDataError(
        `no ${series.timeframe} bar for ${series.symbol} at or before asOf (first bar ${first})`,
      );
    }
    return index;
  }
}
