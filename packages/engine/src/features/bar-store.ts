import { seriesVersion } from '@tradeplane/contracts';
import type { BarColumns } from '@tradeplane/quant';

/** Where bars come from (PostgreSQL in the engine, an in-memory source in unit tests). */
export interface BarSource {
  /** null when the symbol is unknown. */
  findInstrument(symbol: string): Promise<{ id: number } | null>;
  loadColumns(instrumentId: number, timeframe: string): Promise<BarColumns>;
}

export interface LoadedSeries {
  symbol: string;
  timeframe: string;
  bars: BarColumns;
  /** Content hash of the series: part of every cache key, so changed bars never hit stale entries. */
  version: string;
  loadedAt: number;
}

export class UnknownSymbolError extends Error {
  readonly code = 'UNKNOWN_SYMBOL' as const;
  constructor(readonly symbol: string) {
    super(`unknown symbol: ${symbol}`);
  }
}

/**
 * Bars per (symbol, timeframe) held in memory as typed arrays, loaded once from the source
 * and dropped when an import announces new bars (or after `maxAgeMs`). Concurrent first
 * requests share one load.
 */
export class BarStore {
  private readonly series = new Map<string, Promise<LoadedSeries>>();
  /** Loaded series by key, for the synchronous hot path (no promise to await). */
  private readonly ready = new Map<string, LoadedSeries>();

  constructor(
    private readonly source: BarSource,
    private readonly clock: () => number,
    private readonly maxAgeMs = 5 * 60_000,
  ) {}

  /** The series if it is loaded and fresh, without awaiting anything; else undefined. */
  peek(symbol: string, timeframe: string): LoadedSeries | undefined {
    const loaded = this.ready.get(`${symbol}\u0000${timeframe}`);
    return loaded && this.clock() - loaded.loadedAt < this.maxAgeMs ? loaded : undefined;
  }

  async get(symbol: string, timeframe: string): Promise<LoadedSeries> {
    const key = `${symbol}\u0000${timeframe}`;
    let pending = this.series.get(key);
    if (pending) {
      const loaded = await pending.catch(() => null);
      if (loaded && this.clock() - loaded.loadedAt < this.maxAgeMs) return loaded;
      if (this.series.get(key) === pending) {
        this.series.delete(key);
        this.ready.delete(key);
      }
      pending = undefined;
    }
    pending = this.load(symbol, timeframe);
    this.series.set(key, pending);
    pending.then(
      (loaded) => {
        if (this.series.get(key) === pending) this.ready.set(key, loaded);
      },
      () => this.series.delete(key),
    );
    return pending;
  }

  invalidate(symbol?: string, timeframe?: string): void {
    if (!symbol) {
      this.series.clear();
      this.ready.clear();
      return;
    }
    for (const key of this.series.keys()) {
      const [s, tf] = key.split('\u0000');
      if (s === symbol && (!timeframe || tf === timeframe)) {
        this.series.delete(key);
        this.ready.delete(key);
      }
    }
  }

  private async load(symbol: string, timeframe: string): Promise<LoadedSeries> {
    const instrument = await this.source.findInstrument(symbol);
    if (!instrument) throw new UnknownSymbolError(symbol);
    const bars = await this.source.loadColumns(instrument.id, timeframe);
    return { symbol, timeframe, bars, version: seriesVersion(bars), loadedAt: this.clock() };
  }
}

/** Index of the last bar with ts ≤ asOf, or -1 when every bar is later. */
export function lastIndexAtOrBefore(ts: Float64Array, asOfMs: number): number {
  let lo = 0;
  let hi = ts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= asOfMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
