import type { PreTradeRequest } from '@tradeplane/quant';
import { z } from 'zod';
import { ParameterError, parseBody } from '../http/params';

const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
/** A weight beyond ±10× equity is a unit mistake (percent or quantity sent as a fraction). */
const MAX_ABS_WEIGHT = 10;
export const MAX_ORDERS = 500;

const symbol = z.string().regex(SYMBOL, `must match ${SYMBOL.source}`);
const weight = z
  .number()
  .refine(Number.isFinite, 'must be a finite number')
  .refine((w) => Math.abs(w) <= MAX_ABS_WEIGHT, `must be a fraction of equity within ±${MAX_ABS_WEIGHT}`);

/**
 * Body of `POST /api/v1/risk/check`. Weights are signed fractions of equity; `deltaWeight`
 * is the order's change of weight (+ buy, − sell or short). Symbols are case-insensitive.
 */
export const riskCheckRequestSchema = z
  .object({
    portfolio: z.record(symbol, weight).default({}),
    orders: z
      .array(z.object({ symbol, deltaWeight: weight }).strict())
      .min(1, 'needs at least one order')
      .max(MAX_ORDERS, `at most ${MAX_ORDERS} orders`),
  })
  .strict();

/**
 * Validates a parsed JSON body into the check's request (symbols upper-cased). Throws a
 * ParameterError naming the first bad field, e.g. `orders[2].symbol` or `portfolio.AAPL`.
 */
export function parseRiskCheckRequest(body: unknown): PreTradeRequest {
  const data = parseBody(riskCheckRequestSchema, body);
  const portfolio: Record<string, number> = {};
  for (const [raw, w] of Object.entries(data.portfolio)) {
    const key = raw.toUpperCase();
    if (Object.hasOwn(portfolio, key))
      throw new ParameterError(`portfolio.${raw}`, `portfolio.${raw}: ${key} is listed twice`);
    portfolio[key] = w;
  }
  return {
    portfolio,
    orders: data.orders.map((o) => ({ symbol: o.symbol.toUpperCase(), deltaWeight: o.deltaWeight })),
  };
}
