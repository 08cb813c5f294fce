import { seriesVersion } from '@tradeplane/contracts';
import type { BarColumns } from '@tradeplane/quant';

/** Where bars come from (PostgreSQL in the engine, an in-memory source in unit tests). */
export interface BarSource {
  /** null when the symbol is unknown. */
  findInstrument(symbol: string): Promise<{ id: number } | null>;
  /** Oldest first; only bars with ts ≤ `untilMs` when it is given. */
  loadColumns(instrumentId: number, timeframe: string, untilMs?: number): Promise<BarColumns>;
}

/**
 * One series in memory. The object stays the same while bars are appended: `bars` (views of
 * the first n bars of growable columns) and `version` are replaced at each append, so a holder
 * of the object always reads the current series.
 */
export interface LoadedSeries {
  readonly symbol: string;
  readonly timeframe: string;
  bars: BarColumns;
  /**
   * Content version: the hash of the loaded bars, plus the number of bars appended since. Part
   * of every cache key, so changed bars never hit stale entries.
   */
  version: string;
  readonly loadedAt: number;
  /** Bars appended since the load. */
  appended: number;
}

/** A closed bar for `append` (ts epoch ms; volume null when the source has none). */
export interface AppendableBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number | null;
}

export type AppendOutcome =
  /** The bar is now the last of the series, at `index`. */
  | { status: 'appended'; series: LoadedSeries; index: number }
  /** The same bar (time and values) is already in the series: nothing changed. */
  | { status: 'duplicate'; series: LoadedSeries }
  /** Older than the last bar, or at a stored bar's time with other values: nothing changed. */
  | { status: 'out_of_order'; series: LoadedSeries; lastTs: number };

export type AppendListener = (series: LoadedSeries, index: number) => void;

/** Counts of what `append` did, since start. */
export interface AppendStats {
  appended: number;
  duplicate: number;
  outOfOrder: number;
}

/** The full-capacity columns behind a series' views. */
interface GrowableColumns {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array | null;
  n: number;
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
 * requests share one load. Live bars are appended in place (`append`, amortised O(1)); a
 * market replay hides a series' stored bars after its cut-off (`hideAfter`) until they are
 * played back through `append`.
 */
export class BarStore {
  private readonly series = new Map<string, Promise<LoadedSeries>>();
  /** Loaded series by key, for the synchronous hot path (no promise to await). */
  private readonly ready = new Map<string, LoadedSeries>();
  private readonly growable = new WeakMap<LoadedSeries, GrowableColumns>();
  /** Replay cut-offs: bars after this time stay hidden until appended. */
  private readonly visibleUntil = new Map<string, number>();
  private readonly listeners: AppendListener[] = [];
  readonly appendStats: AppendStats = { appended: 0, duplicate: 0, outOfOrder: 0 };

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
    let stale: LoadedSeries | null = null;
    if (pending) {
      const loaded = await pending.catch(() => null);
      if (loaded && this.clock() - loaded.loadedAt < this.maxAgeMs) return loaded;
      if (this.series.get(key) === pending) {
        this.series.delete(key);
        this.ready.delete(key);
        stale = loaded;
      }
      pending = undefined;
    }
    pending = this.load(symbol, timeframe, stale);
    this.series.set(key, pending);
    pending.then(
      (loaded) => {
        if (this.series.get(key) === pending) this.ready.set(key, loaded);
      },
      () => this.series.delete(key),
    );
    return pending;
  }

  /** Called after every appended bar (synchronously, in append order). */
  onAppend(listener: AppendListener): void {
    this.listeners.push(listener);
  }

  /**
   * Appends a closed bar to a series, loading it first if needed. A bar at or before the
   * last bar changes nothing: `duplicate` when the same bar is stored, else `out_of_order`.
   * Throws UnknownSymbolError like `get`. Validation of the bar itself (OHLC, grid) is the
   * caller's: this only orders.
   */
  async append(symbol: string, timeframe: string, bar: AppendableBar): Promise<AppendOutcome> {
    const series = this.peek(symbol, timeframe) ?? (await this.get(symbol, timeframe));
    return this.appendLoaded(series, bar);
  }

  /** `append` on a series already in hand (the synchronous part). */
  appendLoaded(series: LoadedSeries, bar: AppendableBar): AppendOutcome {
    const cols = series.bars;
    const n = cols.ts.length;
    const lastTs = n > 0 ? cols.ts[n - 1]! : -Infinity;
    if (bar.ts <= lastTs) {
      const i = lastIndexAtOrBefore(cols.ts, bar.ts);
      const same =
        i >= 0 &&
        cols.ts[i] === bar.ts &&
        cols.open[i] === bar.open &&
        cols.high[i] === bar.high &&
        cols.low[i] === bar.low &&
        cols.close[i] === bar.close &&
        sameVolume(cols.volume ? cols.volume[i]! : null, bar.volume);
      if (same) {
        this.appendStats.duplicate++;
        return { status: 'duplicate', series };
      }
      this.appendStats.outOfOrder++;
      return { status: 'out_of_order', series, lastTs };
    }
    const grow = this.columnsFor(series);
    grow.ts[n] = bar.ts;
    grow.open[n] = bar.open;
    grow.high[n] = bar.high;
    grow.low[n] = bar.low;
    grow.close[n] = bar.close;
    if (grow.volume) grow.volume[n] = bar.volume ?? NaN;
    grow.n = n + 1;
    series.bars = viewOf(grow);
    series.appended++;
    series.version = `${series.version.split('+')[0]}+${series.appended}`;
    const key = `${series.symbol}\u0000${series.timeframe}`;
    if (this.visibleUntil.has(key)) this.visibleUntil.set(key, bar.ts);
    this.appendStats.appended++;
    for (const listener of this.listeners) listener(series, n);
    return { status: 'appended', series, index: n };
  }

  /**
   * Replay cut-off: from now on the series shows only bars with ts ≤ `untilMs` (reloaded so),
   * plus the bars appended after; the cut-off advances with each appended bar, so a reload
   * shows what was played. `showAll` lifts it.
   */
  hideAfter(symbol: string, timeframe: string, untilMs: number): void {
    this.visibleUntil.set(`${symbol}\u0000${timeframe}`, untilMs);
    this.invalidate(symbol, timeframe);
  }

  showAll(symbol: string, timeframe: string): void {
    if (this.visibleUntil.delete(`${symbol}\u0000${timeframe}`)) this.invalidate(symbol, timeframe);
  }

  /** The replay cut-off of a series, if one is in force. */
  cutoff(symbol: string, timeframe: string): number | undefined {
    return this.visibleUntil.get(`${symbol}\u0000${timeframe}`);
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

  /**
   * Loads a series from the source. `stale` is the copy it replaces after `maxAgeMs`: its live
   * bars newer than the source's last are kept (the persister may not have stored them yet, and
   * nothing delivers them again). A series dropped on purpose (an import, a cut-off) has none.
   */
  private async load(
    symbol: string,
    timeframe: string,
    stale: LoadedSeries | null = null,
  ): Promise<LoadedSeries> {
    const instrument = await this.source.findInstrument(symbol);
    if (!instrument) throw new UnknownSymbolError(symbol);
    const until = this.visibleUntil.get(`${symbol}\u0000${timeframe}`);
    let bars = await this.source.loadColumns(instrument.id, timeframe, until);
    if (stale) bars = withNewerBars(bars, stale.bars);
    return { symbol, timeframe, bars, version: seriesVersion(bars), loadedAt: this.clock(), appended: 0 };
  }

  /** The growable columns of a series: copied once into double capacity, then grown by doubling. */
  private columnsFor(series: LoadedSeries): GrowableColumns {
    let grow = this.growable.get(series);
    const n = series.bars.ts.length;
    if (!grow || grow.n !== n) grow = withCapacity(series.bars, n, Math.max(64, n * 2));
    else if (n === grow.ts.length) grow = withCapacity(series.bars, n, n * 2);
    this.growable.set(series, grow);
    return grow;
  }
}

/** `loaded` followed by the bars of `held` after its last one (loaded itself when there are none). */
function withNewerBars(loaded: BarColumns, held: BarColumns): BarColumns {
  const n = loaded.ts.length;
  const last = n > 0 ? loaded.ts[n - 1]! : -Infinity;
  const from = lastIndexAtOrBefore(held.ts, last) + 1;
  const extra = held.ts.length - from;
  if (extra <= 0) return loaded;
  const join = (a: Float64Array, b: Float64Array | null) => {
    const out = new Float64Array(n + extra);
    out.set(a);
    if (b) out.set(b.subarray(from), n);
    else out.fill(NaN, n);
    return out;
  };
  return {
    ts: join(loaded.ts, held.ts),
    open: join(loaded.open, held.open),
    high: join(loaded.high, held.high),
    low: join(loaded.low, held.low),
    close: join(loaded.close, held.close),
    volume:
      loaded.volume || held.volume ? join(loaded.volume ?? new Float64Array(n).fill(NaN), held.volume) : null,
  };
}

function withCapacity(bars: BarColumns, n: number, capacity: number): GrowableColumns {
  const copy = (col: Float64Array) => {
    const out = new Float64Array(capacity);
    out.set(col.subarray(0, n));
    return out;
  };
  return {
    ts: copy(bars.ts),
    open: copy(bars.open),
    high: copy(bars.high),
    low: copy(bars.low),
    close: copy(bars.close),
    volume: bars.volume ? copy(bars.volume) : null,
    n,
  };
}

function viewOf(grow: GrowableColumns): BarColumns {
  const n = grow.n;
  return {
    ts: grow.ts.subarray(0, n),
    open: grow.open.subarray(0, n),
    high: grow.high.subarray(0, n),
    low: grow.low.subarray(0, n),
    close: grow.close.subarray(0, n),
    volume: grow.volume ? grow.volume.subarray(0, n) : null,
  };
}

function sameVolume(stored: number | null, incoming: number | null): boolean {
  const a = stored === null || Number.isNaN(stored) ? null : stored;
  return a === incoming;
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
