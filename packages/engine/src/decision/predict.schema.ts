import { timeframeSchema, type Timeframe } from '@tradeplane/contracts';
import { z } from 'zod';
import { ParameterError, parseBody, parseTime, PORTFOLIO_ID_PATTERN, SYMBOL_PATTERN } from '../http/params';
/** Symbols per decision: a basket, not a universe scan (each costs four model runs). */
export const MAX_SYMBOLS = 50;
/** Same unit guard as the risk check: beyond ±10× equity a weight is a unit mistake. */
const MAX_ABS_WEIGHT = 10;

const symbol = z.string().regex(SYMBOL_PATTERN, `must match ${SYMBOL_PATTERN.source}`);
const weight = z
  .number()
  .refine(Number.isFinite, 'must be a finite number')
  .refine((w) => Math.abs(w) <= MAX_ABS_WEIGHT, `must be a fraction of equity within ±${MAX_ABS_WEIGHT}`);

/**
 * Body of `POST /api/v1/predict`. Either `symbol` or `symbols`; weights are signed fractions of
 * equity; `asOf` is an ISO 8601 date/date-time or epoch milliseconds (default: now).
 */
export const predictRequestSchema = z
  .object({
    symbol: symbol.optional(),
    symbols: z.array(symbol).min(1, 'needs at least one symbol').max(MAX_SYMBOLS).optional(),
    timeframe: timeframeSchema,
    // Read by the one time parser below, so that its errors name `asOf` with its reason.
    asOf: z.union([z.string(), z.number()]).optional(),
    portfolio: z.record(symbol, weight).default({}),
    requestKey: z.string().min(1).max(200).optional(),
    portfolioId: z
      .string()
      .regex(PORTFOLIO_ID_PATTERN, `must match ${PORTFOLIO_ID_PATTERN.source}`)
      .optional(),
  })
  .strict();

export interface PredictRequest {
  /** Upper-cased, in request order, no repeats. */
  symbols: string[];
  /** Which body field named them, for errors about one of them (`symbols[2]` or `symbol`). */
  symbolsField: 'symbols' | 'symbol';
  timeframe: Timeframe;
  asOfMs: number;
  /** Current weights by upper-cased symbol. */
  portfolio: Record<string, number>;
  /**
   * The routing key: the client's `requestKey`, else `symbols|timeframe|asOf`. A client that
   * omits both `requestKey` and `asOf` gets a key that changes every millisecond.
   */
  requestKey: string;
  /** The client's portfolio id, or null. */
  portfolioId: string | null;
}

/**
 * Validates a parsed JSON body. Throws a ParameterError naming the first bad field
 * (`symbols[1]`, `portfolio.AAPL`, `timeframe`, `asOf`, `body` …).
 */
export function parsePredictRequest(body: unknown, now: number): PredictRequest {
  const data = parseBody(predictRequestSchema, body);
  if (data.symbol !== undefined && data.symbols !== undefined)
    throw new ParameterError('symbols', 'symbols: give either symbol or symbols, not both');
  const raw = data.symbols ?? (data.symbol !== undefined ? [data.symbol] : null);
  if (!raw) throw new ParameterError('symbols', 'symbols: required (or symbol)');
  const field = data.symbols ? (i: number) => `symbols[${i}]` : () => 'symbol';
  const symbols: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i]!.toUpperCase();
    if (symbols.includes(s)) throw new ParameterError(field(i), `${field(i)}: ${s} is listed twice`);
    symbols.push(s);
  }

  const portfolio: Record<string, number> = {};
  for (const [key, w] of Object.entries(data.portfolio)) {
    const s = key.toUpperCase();
    if (Object.hasOwn(portfolio, s))
      throw new ParameterError(`portfolio.${key}`, `portfolio.${key}: ${s} is listed twice`);
    portfolio[s] = w;
  }

  const asOfMs = data.asOf === undefined ? now : parseTime('asOf', data.asOf, now);
  return {
    symbols,
    symbolsField: data.symbols ? 'symbols' : 'symbol',
    timeframe: data.timeframe,
    asOfMs,
    portfolio,
    requestKey: data.requestKey ?? `${symbols.join(',')}|${data.timeframe}|${asOfMs}`,
    portfolioId: data.portfolioId ?? null,
  };
}
