import { isOnTimeframeGrid, timeframeSchema, type MarketBar } from '@tradeplane/contracts';
import { z } from 'zod';
import { ParameterError, parseBody, parseTime, SYMBOL_PATTERN } from '../http/params';

/** `api` (a client's bar) or `replay:<id>` (a bar played by the market replay of that id). */
const SOURCE = /^(api|replay:[A-Za-z0-9-]{1,64})$/;

const price = z
  .number()
  .refine(Number.isFinite, 'must be a finite number')
  .refine((p) => p > 0, 'must be greater than 0');

const barFields = {
  symbol: z.string().regex(SYMBOL_PATTERN, `must match ${SYMBOL_PATTERN.source}`),
  timeframe: timeframeSchema,
  // Read by the one time parser below, so that its errors name `ts` with its reason.
  ts: z.union([z.string(), z.number()]),
  open: price,
  high: price,
  low: price,
  close: price,
  volume: z
    .number()
    .refine(Number.isFinite, 'must be a finite number')
    .refine((v) => v >= 0, 'must not be negative')
    .nullable()
    .optional(),
};
const source = z.string().regex(SOURCE, `must match ${SOURCE.source}`).optional();

const barSchema = z.object(barFields).strict();
const singleBarSchema = z.object({ ...barFields, source }).strict();

/** One bar as the body, or `{ bars: [...] }`; `source` says who sends them (default `api`). */
export function barsRequestSchema(maxBars: number) {
  return z
    .object({
      bars: z.array(barSchema).min(1, 'needs at least one bar').max(maxBars, `at most ${maxBars} bars`),
      source,
    })
    .strict();
}

export interface BarsRequest {
  /** Symbols upper-cased, in request order. */
  bars: MarketBar[];
  /** The error field of each bar's own fields: `bars[3]` in a batch, '' for a single bar. */
  fieldOf(index: number, name: string): string;
  source: string;
  /** The replay id when `source` is `replay:<id>`. */
  replayId: string | null;
}

/**
 * Validates a parsed JSON body of `POST /api/v1/bars`. Throws a ParameterError naming the
 * first bad field (`bars[3].high`, `ts` for a single bar): the shape, the time (the one time
 * parser), the timeframe's grid, and OHLC consistency (low ≤ min(open, close), high ≥
 * max(open, close)). What needs the series (order, duplicates, the symbol) is checked later.
 */
export function parseBarsRequest(body: unknown, maxBars: number, now: number): BarsRequest {
  const batch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'bars' in body;
  const data = batch
    ? parseBody(barsRequestSchema(maxBars), body)
    : (() => {
        const { source: single, ...bar } = parseBody(singleBarSchema, body);
        return { bars: [bar], source: single };
      })();
  const fieldOf = batch
    ? (i: number, name: string) => `bars[${i}].${name}`
    : (_i: number, name: string) => name;
  const bars = data.bars.map((raw, i): MarketBar => {
    const ts = parseTime(fieldOf(i, 'ts'), raw.ts, now);
    if (!isOnTimeframeGrid(ts, raw.timeframe)) {
      const field = fieldOf(i, 'ts');
      throw new ParameterError(
        field,
        `${field}: ${new Date(ts).toISOString()} is not on the ${raw.timeframe} grid (a whole number of bars since 1970-01-01T00:00:00Z; daily bars at 00:00 UTC)`,
      );
    }
    const { open, high, low, close } = raw;
    if (high < Math.max(open, close)) {
      const field = fieldOf(i, 'high');
      throw new ParameterError(
        field,
        `${field}: ${high} is below max(open, close) = ${Math.max(open, close)}`,
      );
    }
    if (low > Math.min(open, close)) {
      const field = fieldOf(i, 'low');
      throw new ParameterError(
        field,
        `${field}: ${low} is above min(open, close) = ${Math.min(open, close)}`,
      );
    }
    return {
      symbol: raw.symbol.toUpperCase(),
      timeframe: raw.timeframe,
      ts,
      open,
      high,
      low,
      close,
      volume: raw.volume ?? null,
    };
  });
  const from = data.source ?? 'api';
  return {
    bars,
    fieldOf,
    source: from,
    replayId: from.startsWith('replay:') ? from.slice('replay:'.length) : null,
  };
}
