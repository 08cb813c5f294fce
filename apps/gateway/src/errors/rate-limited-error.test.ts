import type { Logger } from '@tradeplane/platform';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatError, RateLimitedError } from './graphql-errors';

describe('RateLimitedError', () => {
  it('formats as RATE_LIMITED with retryAfterS, and carries a 429 with Retry-After for Apollo', () => {
    const err = new RateLimitedError('too many failed sign-ins for this email; try again in 15 min', 900);
    // graphql-js wraps a resolver's error, taking its extensions: that is where Apollo reads `http`.
    const wrapped = new GraphQLError(err.message, { originalError: err, path: ['login'] });
    expect(wrapped.extensions.http).toMatchObject({ status: 429 });
    expect((wrapped.extensions.http as { headers: Map<string, string> }).headers.get('retry-after')).toBe(
      '900',
    );
    // As in domain-errors.test.ts, formatError is given the error itself (unwrapping leaves it).
    const formatted = formatError({} as Logger)({ message: err.message, path: ['login'] }, err);
    expect(formatted).toEqual({
      message: 'too many failed sign-ins for this email; try again in 15 min',
      path: ['login'],
      locations: undefined,
      extensions: { code: 'RATE_LIMITED', retryAfterS: 900 },
    });
  });
});
