import {
  type FeatureBackfillPayload,
  featureCacheKey,
  featureNames,
  seriesVersion,
} from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
// The features subpath: the workers need the cache key scheme, not ONNX Runtime.
import type { Redis } from '@tradeplane/platform';
import { checkLookahead, computeFeatureSeries, sampleIndices } from '@tradeplane/quant';

export interface BackfillDeps {
  repos: Repositories;
  redisCache: Redis;
  /** Seconds a warmed vector lives in the cache (the engine's FEATURE_CACHE_TTL_S). */
  ttlSeconds: number;
  /** Most recent bars per series whose vectors are written to the cache. */
  warmBars: number;
  onAlarm: (alarm: { symbol: string; timeframe: string; feature: string; index: number }) => void;
}

export interface BackfillResult {
  symbol: string;
  bars: number;
  warmed: number;
  lookaheadChecked: number;
  violations: number;
}

/**
 * Computes each symbol's feature series once, proves it point-in-time on a sample of bars
 * (truncated-history value == full-history value), and warms the engine's Redis cache
 * with the most recent vectors. Idempotent: rerunning rewrites the same keys.
 */
export async function backfillFeatures(
  payload: FeatureBackfillPayload,
  deps: BackfillDeps,
  progress: (done: number, total: number, symbol: string) => Promise<void>,
): Promise<BackfillResult[]> {
  const results: BackfillResult[] = [];
  for (const [i, symbol] of payload.symbols.entries()) {
    const instrument = await deps.repos.instruments.findBySymbol(symbol);
    if (!instrument) throw new Error(`symbols[${i}]: unknown symbol ${symbol}`);
    const bars = await deps.repos.bars.loadColumns(instrument.id, payload.timeframe);
    const series = computeFeatureSeries(bars);
    const n = bars.ts.length;
    const check = checkLookahead(bars, { sampleIndices: sampleIndices(n, Math.min(n, 64), n) });
    for (const v of check.violations) {
      deps.onAlarm({ symbol, timeframe: payload.timeframe, feature: v.feature, index: v.index });
    }
    // A series that failed the lookahead check is never put in front of the engine.
    const start = check.violations.length === 0 ? Math.max(0, n - deps.warmBars) : n;
    const version = seriesVersion(bars);
    const pipeline = deps.redisCache.pipeline();
    for (let t = start; t < n; t++) {
      const values: Record<string, number | null> = {};
      for (const name of featureNames) {
        const v = series[name][t]!;
        values[name] = Number.isFinite(v) ? v : null;
      }
      pipeline.set(
        featureCacheKey(symbol, payload.timeframe, version, bars.ts[t]!),
        JSON.stringify(values),
        'EX',
        deps.ttlSeconds,
      );
    }
    await pipeline.exec();
    results.push({
      symbol,
      bars: n,
      warmed: n - start,
      lookaheadChecked: check.checked,
      violations: check.violations.length,
    });
    await progress(i + 1, payload.symbols.length, symbol);
  }
  return results;
}
