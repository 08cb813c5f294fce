import { featureCacheKey, featureNames, type FeatureVectorDto, type Timeframe } from '@tradeplane/contracts';
import { computeFeatureSeries, featureVectorAt, type FeatureSeries } from '@tradeplane/quant';
import { lastIndexAtOrBefore, type BarStore, type LoadedSeries } from './bar-store';
import type { FeatureCache, FeatureValues } from './feature-cache';
import type { LeakageMonitor } from './leakage-monitor';

export class NoDataError extends Error {
  readonly code = 'NO_DATA' as const;
}

export interface FeatureTierCounters {
  lru: number;
  redis: number;
  compute: number;
}

/**
 * Point-in-time features for (symbol, timeframe, asOf): the vector at the last bar at or
 * before asOf, computed only from bars up to that bar. Tiers: process LRU → Redis →
 * computation from the in-memory bars.
 */
export class FeatureService {
  readonly served: FeatureTierCounters = { lru: 0, redis: 0, compute: 0 };

  constructor(
    private readonly bars: BarStore,
    private readonly cache: FeatureCache,
    private readonly leakage: LeakageMonitor,
  ) {}

  /**
   * The hot path: series in memory and vector in the process LRU → answered without awaiting
   * anything. Returns undefined when a slower tier is needed.
   */
  vectorFromMemory(symbol: string, timeframe: Timeframe, asOfMs: number): FeatureVectorDto | undefined {
    const series = this.bars.peek(symbol, timeframe);
    if (!series) return undefined;
    const index = this.indexFor(series, asOfMs);
    const barTs = series.bars.ts[index]!;
    const local = this.cache.getLocal(featureCacheKey(symbol, timeframe, series.version, barTs));
    if (!local) return undefined;
    this.served.lru++;
    return {
      symbol,
      timeframe,
      barTime: new Date(barTs).toISOString(),
      asOf: new Date(asOfMs).toISOString(),
      values: local,
      source: 'lru',
    } as FeatureVectorDto;
  }

  async vector(symbol: string, timeframe: Timeframe, asOfMs: number): Promise<FeatureVectorDto> {
    const fast = this.vectorFromMemory(symbol, timeframe, asOfMs);
    if (fast) return fast;
    const series = await this.bars.get(symbol, timeframe);
    const index = this.indexFor(series, asOfMs);
    const barTs = series.bars.ts[index]!;
    const key = featureCacheKey(symbol, timeframe, series.version, barTs);
    const base = {
      symbol,
      timeframe,
      barTime: new Date(barTs).toISOString(),
      asOf: new Date(asOfMs).toISOString(),
    };

    const local = this.cache.getLocal(key);
    if (local) {
      this.served.lru++;
      return { ...base, values: local, source: 'lru' } as FeatureVectorDto;
    }
    const shared = await this.cache.getShared(key);
    if (shared) {
      this.served.redis++;
      this.cache.setLocal(key, shared);
      return { ...base, values: shared, source: 'redis' } as FeatureVectorDto;
    }
    const values = featureVectorAt(series.bars, index) as FeatureValues;
    this.served.compute++;
    this.cache.setLocal(key, values);
    this.cache.setShared(key, values);
    this.leakage.maybeCheck(series, index, values);
    return { ...base, values, source: 'compute' } as FeatureVectorDto;
  }

  /** Every feature at every bar in [fromMs, toMs], for chart overlays. Causal by construction. */
  async series(symbol: string, timeframe: Timeframe, fromMs: number, toMs: number) {
    const loaded = await this.bars.get(symbol, timeframe);
    const end = lastIndexAtOrBefore(loaded.bars.ts, toMs);
    const full: FeatureSeries = computeFeatureSeries(loaded.bars);
    let start = end + 1;
    while (start > 0 && loaded.bars.ts[start - 1]! >= fromMs) start--;
    const times: string[] = [];
    for (let i = start; i <= end; i++) times.push(new Date(loaded.bars.ts[i]!).toISOString());
    return {
      symbol,
      timeframe,
      times,
      features: featureNames.map((name) => ({
        name,
        values: Array.from(full[name].subarray(start, end + 1), (v) => (Number.isFinite(v) ? v : null)),
      })),
    };
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
