import { marketDataEventFromBar, type MarketBar } from '@tradeplane/contracts';
import type { EventValue } from '@tradeplane/platform';
import { lastIndexAtOrBefore, UnknownSymbolError, type BarStore, type LoadedSeries } from '../features';
import type { BarsRequest } from './bars.schema';
import type { ReplayRegistry } from './replays';

/** Why a batch was refused as a whole; each code maps to one HTTP status at the edge. */
export type BarRefusalCode =
  /** The symbol has no instrument (404). */
  | 'UNKNOWN_SYMBOL'
  /** Older than the series' last bar, or at a stored bar's time with other values (400). */
  | 'STALE_BAR'
  /** Two bars of one series out of order within the batch, or a replay source that is not live (400). */
  | 'INVALID_PARAMETER';

export class BarRefusedError extends Error {
  constructor(
    readonly code: BarRefusalCode,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type BarStatus = 'accepted' | 'duplicate';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  bars: Array<{ symbol: string; timeframe: string; ts: string; status: BarStatus }>;
}

/** Where accepted bars go on their way to Kafka (`BufferedEventPublisher.publish`: O(1), never awaited). */
export interface BarEventSink {
  publish(key: string, value: EventValue): void;
}

export interface BarIngestDeps {
  bars: Pick<BarStore, 'get' | 'peek' | 'appendLoaded'>;
  events: BarEventSink;
  replays: Pick<ReplayRegistry, 'get'>;
  clock: () => number;
}

/** Loads of a batch's series are retried this often when an import drops one meanwhile. */
const LOAD_ATTEMPTS = 3;

/**
 * Live bars from `POST /api/v1/bars`: the whole batch is checked against the series before
 * any bar is applied (all or nothing), then each new bar is appended to the engine's
 * BarStore at once — a decision right after the response sees it — and published to the
 * market-data topic (key = symbol) for the other engines and the workers' persister.
 */
export class BarIngest {
  constructor(private readonly deps: BarIngestDeps) {}

  async ingest(request: BarsRequest): Promise<IngestResult> {
    if (request.replayId !== null && !this.deps.replays.get(request.replayId))
      throw new BarRefusedError(
        'INVALID_PARAMETER',
        'source',
        `source: no live replay ${request.replayId} on this engine (POST /api/v1/replays starts one)`,
      );
    const series = await this.loadSeries(request);
    // From here on nothing is awaited: the check and the appends see the same series.
    const statuses = this.check(request, series);
    const now = this.deps.clock();
    const result: IngestResult = { accepted: 0, duplicates: 0, bars: [] };
    request.bars.forEach((bar, i) => {
      const status = statuses[i]!;
      if (status === 'accepted') {
        const outcome = this.deps.bars.appendLoaded(series.get(seriesKey(bar))!, bar);
        // The check ran on this very series with nothing awaited since, so the append takes it.
        if (outcome.status !== 'appended')
          throw new Error(`bars: ${bar.symbol} ${bar.timeframe} changed between check and append`);
        this.deps.events.publish(bar.symbol, marketDataEventFromBar(bar, request.source, now));
      }
      if (status === 'accepted') result.accepted++;
      else result.duplicates++;
      result.bars.push({
        symbol: bar.symbol,
        timeframe: bar.timeframe,
        ts: new Date(bar.ts).toISOString(),
        status,
      });
    });
    return result;
  }

  /** Every series the batch names, loaded and current (re-read after the last await). */
  private async loadSeries(request: BarsRequest): Promise<Map<string, LoadedSeries>> {
    for (let attempt = 1; ; attempt++) {
      const series = new Map<string, LoadedSeries>();
      for (let i = 0; i < request.bars.length; i++) {
        const bar = request.bars[i]!;
        const key = seriesKey(bar);
        if (series.has(key)) continue;
        try {
          series.set(key, await this.deps.bars.get(bar.symbol, bar.timeframe));
        } catch (err) {
          if (!(err instanceof UnknownSymbolError)) throw err;
          const field = request.fieldOf(i, 'symbol');
          throw new BarRefusedError('UNKNOWN_SYMBOL', field, `${field}: unknown symbol ${bar.symbol}`);
        }
      }
      let current = true;
      for (const [key, loaded] of series) {
        const [symbol, timeframe] = key.split('\u0000') as [string, string];
        if (this.deps.bars.peek(symbol, timeframe) !== loaded) current = false;
      }
      if (current || attempt === LOAD_ATTEMPTS) return series;
    }
  }

  /** Each bar's status, or a refusal naming the first bad bar's field. */
  private check(request: BarsRequest, series: Map<string, LoadedSeries>): BarStatus[] {
    /** Per series: the newest bar accepted so far in this batch. */
    const pending = new Map<string, { bar: MarketBar; index: number }>();
    return request.bars.map((bar, i) => {
      const key = seriesKey(bar);
      const cols = series.get(key)!.bars;
      const field = request.fieldOf(i, 'ts');
      const n = cols.ts.length;
      if (n === 0 || bar.ts > cols.ts[n - 1]!) {
        // New to the series: it must also follow the batch's earlier bars of the series.
        const earlier = pending.get(key);
        if (!earlier || bar.ts > earlier.bar.ts) {
          pending.set(key, { bar, index: i });
          return 'accepted';
        }
        if (bar.ts === earlier.bar.ts && sameBar(earlier.bar, bar)) return 'duplicate';
        throw new BarRefusedError(
          'INVALID_PARAMETER',
          field,
          `${field}: ${iso(bar.ts)} is not after bars[${earlier.index}] of ${bar.symbol} ${bar.timeframe} (${iso(earlier.bar.ts)}); a batch lists each series oldest first`,
        );
      }
      const at = lastIndexAtOrBefore(cols.ts, bar.ts);
      if (at >= 0 && cols.ts[at] === bar.ts) {
        const stored: MarketBar = {
          ...bar,
          open: cols.open[at]!,
          high: cols.high[at]!,
          low: cols.low[at]!,
          close: cols.close[at]!,
          volume: cols.volume && !Number.isNaN(cols.volume[at]!) ? cols.volume[at]! : null,
        };
        if (sameBar(stored, bar)) return 'duplicate';
        throw new BarRefusedError(
          'STALE_BAR',
          field,
          `${field}: ${bar.symbol} ${bar.timeframe} already has a bar at ${iso(bar.ts)} with other values; a stored bar is never changed by a live one`,
        );
      }
      throw new BarRefusedError(
        'STALE_BAR',
        field,
        `${field}: ${iso(bar.ts)} is older than the last bar of ${bar.symbol} ${bar.timeframe} (${iso(cols.ts[n - 1]!)})`,
      );
    });
  }
}

function seriesKey(bar: MarketBar): string {
  return `${bar.symbol}\u0000${bar.timeframe}`;
}

function sameBar(a: MarketBar, b: MarketBar): boolean {
  return (
    a.ts === b.ts &&
    a.open === b.open &&
    a.high === b.high &&
    a.low === b.low &&
    a.close === b.close &&
    a.volume === b.volume
  );
}

const iso = (ms: number) => new Date(ms).toISOString();
