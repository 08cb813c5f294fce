/** The largest limit the gateway accepts (MAX_API_KEY_RATE_LIMIT_PER_S in @tradeplane/platform). */
export const MAX_RATE_LIMIT_PER_S = 1_000_000;

/** A rate limit as typed in the console: empty is unlimited (null), else a whole number of requests/s. */
export function parseRateLimit(text: string): { value: number | null } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { value: null };
  if (!/^\d+$/.test(trimmed))
    return { error: 'A whole number of requests per second, or empty for unlimited.' };
  const value = Number(trimmed);
  if (value < 1 || value > MAX_RATE_LIMIT_PER_S)
    return { error: `From 1 to ${MAX_RATE_LIMIT_PER_S.toLocaleString('en-US')} requests per second.` };
  return { value };
}

/** How a limit reads in the table. */
export function describeRateLimit(value: number | null): string {
  return value === null ? 'unlimited' : `${value.toLocaleString('en-US')}/s`;
}
