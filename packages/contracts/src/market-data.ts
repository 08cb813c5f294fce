import { z } from 'zod';
import { timeframeSchema, type Timeframe } from './features';
import { parseVersionedEvent } from './versioned-event';

/**
 * Closed bars as they travel on the Kafka topic `market-data` (key = symbol, so one symbol's
 * bars keep their order on one partition). Producers: the engine's `POST /api/v1/bars` and the
 * market replay (which posts through the same endpoint). Consumers: every engine replica
 * (appends the bar to its in-memory series) and the workers' persister (stores it in `bars`).
 */
export const MARKET_DATA_TOPIC = 'market-data';

/**
 * The version of the bar event this code writes and reads; a change a reader of the previous
 * version would misread takes the next number, and consumers count versions they do not know
 * instead of guessing.
 */
export const MARKET_DATA_SCHEMA_VERSION = 1;

/** Milliseconds between two bars of a timeframe: a bar's time is a multiple of it (UTC). */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': 60_000,
  '5m': 300_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

/**
 * Whether a bar time sits on its timeframe's grid: a whole number of bar lengths since the
 * Unix epoch (daily bars at 00:00 UTC of their trading date, as the importers store them).
 */
export function isOnTimeframeGrid(tsMs: number, timeframe: Timeframe): boolean {
  return Number.isInteger(tsMs) && tsMs % TIMEFRAME_MS[timeframe] === 0;
}

/** One closed bar. `ts` is the bar's open time (the importers' convention), epoch ms UTC. */
export interface MarketBar {
  symbol: string;
  timeframe: Timeframe;
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** null when the source has no volume. */
  volume: number | null;
}

/** The `market-data` event: a bar, where it came from, and when it was accepted. */
export const marketDataEvent = z.object({
  schemaVersion: z.literal(MARKET_DATA_SCHEMA_VERSION),
  symbol: z.string().min(1).max(32),
  timeframe: timeframeSchema,
  /** Bar time, ISO 8601 UTC. */
  ts: z.string(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number().nullable(),
  /** `api` for a client's POST, `replay:<run id>` for a market replay. */
  source: z.string().min(1).max(100),
  /** Epoch ms at which the engine accepted the bar. */
  acceptedAt: z.number(),
});
export type MarketDataEvent = z.infer<typeof marketDataEvent>;

export function marketDataEventFromBar(bar: MarketBar, source: string, acceptedAt: number): MarketDataEvent {
  return {
    schemaVersion: MARKET_DATA_SCHEMA_VERSION,
    symbol: bar.symbol,
    timeframe: bar.timeframe,
    ts: new Date(bar.ts).toISOString(),
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    source,
    acceptedAt,
  };
}

/**
 * Parses a `market-data` message value: the bar (ts as epoch ms) and its event, or the first
 * problem as `path: message`. Another schema version is refused before its fields are read.
 */
export function parseMarketDataEvent(
  value: string | null,
): { ok: true; bar: MarketBar; event: MarketDataEvent } | { ok: false; reason: string } {
  const parsed = parseVersionedEvent(marketDataEvent, MARKET_DATA_SCHEMA_VERSION, value);
  if (!parsed.ok) return parsed;
  const { event } = parsed;
  const ts = Date.parse(event.ts);
  if (!Number.isFinite(ts)) return { ok: false, reason: `ts: ${event.ts} is not a time` };
  const bar: MarketBar = {
    symbol: event.symbol,
    timeframe: event.timeframe,
    ts,
    open: event.open,
    high: event.high,
    low: event.low,
    close: event.close,
    volume: event.volume,
  };
  return { ok: true, bar, event };
}
