import { timeframeSchema, type Timeframe } from '@tradeplane/contracts';

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
