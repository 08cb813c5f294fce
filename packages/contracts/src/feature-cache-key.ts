/**
 * The feature cache's key space, shared by its writer (the workers' backfill) and its reader
 * (the engine): a vector is cached under its series' content version, so a re-import that
 * changes a bar never serves a vector computed from the old bars.
 */
import type { BarColumns } from './bars';

/** FNV-1a over the raw bytes of every column: cheap (~0.1 ms for 7k bars) and content-derived. */
export function seriesVersion(bars: BarColumns): string {
  let h = 0x811c9dc5;
  const columns = [bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume];
  for (const col of columns) {
    if (!col) continue;
    const bytes = new Uint8Array(col.buffer, col.byteOffset, col.byteLength);
    for (let i = 0; i < bytes.length; i++) {
      h ^= bytes[i]!;
      h = Math.imul(h, 0x01000193);
    }
  }
  return `${bars.ts.length.toString(36)}-${(h >>> 0).toString(36)}`;
}

/** Cache key of one feature vector: shared by the engine and the feature-backfill worker. */
export function featureCacheKey(symbol: string, timeframe: string, version: string, barTs: number): string {
  return `f:v1:${symbol}:${timeframe}:${version}:${barTs}`;
}
