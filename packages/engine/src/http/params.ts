import { timeframeSchema, type Timeframe } from '@tradeplane/contracts';
import type { z } from 'zod';

export class ParameterError extends Error {
  readonly code = 'INVALID_PARAMETER' as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export function parseSymbol(raw: string): string {
  let symbol: string;
  try {
    symbol = decodeURIComponent(raw);
  } catch {
    throw new ParameterError('symbol', 'symbol is not valid URL encoding');
  }
  if (!SYMBOL.test(symbol))
    throw new ParameterError('symbol', `symbol must match ${SYMBOL.source}, got "${symbol}"`);
  return symbol.toUpperCase();
}

export function parseTimeframe(raw: string): Timeframe {
  const parsed = timeframeSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ParameterError(
      'timeframe',
      `timeframe must be one of ${timeframeSchema.options.join(', ')}, got "${raw}"`,
    );
  }
  return parsed.data;
}

/** ISO 8601 date or date-time, or epoch milliseconds; absent → fallback. */
export function parseTime(field: string, raw: string | null, fallback: number): number {
  if (raw === null || raw === '') return fallback;
  const ms = /^\d{1,16}$/.test(raw)
    ? Number(raw)
    : /^\d{4}-\d{2}-\d{2}/.test(raw)
      ? Date.parse(raw)
      : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new ParameterError(
      field,
      `${field} must be an ISO 8601 date/time or epoch milliseconds, got "${raw}"`,
    );
  }
  return ms;
}

/**
 * Validates a JSON request body; on failure throws a ParameterError naming the first bad
 * field the way clients write it (`orders[2].symbol`, `portfolio.AAPL`), or `body`.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0]!);
  const field = fieldName(path) || 'body';
  throw new ParameterError(field, `${field}: ${issue.message}`);
}

/** ['orders', 2, 'symbol'] → 'orders[2].symbol'. */
function fieldName(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
