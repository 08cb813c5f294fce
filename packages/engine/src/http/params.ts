import {
  parseTime as parseTimeValue,
  PORTFOLIO_ID_PATTERN,
  SYMBOL_PATTERN,
  timeframeSchema,
  type Timeframe,
} from '@tradeplane/contracts';
import type { z } from 'zod';

/** 400 for a bad value; 415 for a body that is not declared JSON. */
export type ParameterErrorCode = 'INVALID_PARAMETER' | 'UNSUPPORTED_MEDIA_TYPE';

export class ParameterError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly code: ParameterErrorCode = 'INVALID_PARAMETER',
  ) {
    super(message);
  }
}

/**
 * A path segment percent-decoded, once, for every route; bad encoding is a ParameterError
 * naming the segment (`symbol`, `timeframe`, or `path` where no route names it).
 */
export function decodeSegment(field: string, raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ParameterError(field, `${field} is not valid percent-encoding`);
  }
}

// The one symbol rule (path segments and body fields alike) and portfolio id rule, from contracts.
export { PORTFOLIO_ID_PATTERN, SYMBOL_PATTERN };

/** A decoded symbol segment, upper-cased. */
export function parseSymbol(symbol: string): string {
  if (!SYMBOL_PATTERN.test(symbol))
    throw new ParameterError('symbol', `symbol must match ${SYMBOL_PATTERN.source}`);
  return symbol.toUpperCase();
}

export function parseTimeframe(raw: string): Timeframe {
  const parsed = timeframeSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ParameterError('timeframe', `timeframe must be one of ${timeframeSchema.options.join(', ')}`);
  }
  return parsed.data;
}

/** A time by the one parser (@tradeplane/contracts time); absent (null or '') → fallback. */
export function parseTime(field: string, raw: string | number | null, fallback: number): number {
  if (raw === null || raw === '') return fallback;
  const ms = parseTimeValue(field, raw);
  if (typeof ms !== 'number') throw new ParameterError(field, ms.message);
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
export function fieldName(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
