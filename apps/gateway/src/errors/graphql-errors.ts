import { HeaderMap } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '@tradeplane/platform';
import { isDomainError, translateDomainError, type GraphQLCode } from './domain-errors';

export type GatewayErrorCode = GraphQLCode;

/**
 * An error of the gateway's own (authentication, roles, a resolver's argument checks), already
 * in GraphQL terms; `field` names the bad argument for BAD_USER_INPUT.
 */
export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * Too many attempts: `extensions.retryAfterS` on every transport and, over HTTP, a 429 with
 * `Retry-After` (Apollo reads `extensions.http` from the error it wraps, then drops it).
 */
export class RateLimitedError extends GatewayError {
  readonly extensions: { http: { status: number; headers: HeaderMap } };

  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super('RATE_LIMITED', message);
    this.extensions = {
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterS)]]) },
    };
  }
}

export const badInput = (field: string, message: string) =>
  new GatewayError('BAD_USER_INPUT', message, field);

/** Codes Apollo and graphql-js set themselves, passed through as they are. */
const known = new Set<string>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UPSTREAM_UNAVAILABLE',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
]);

/**
 * The one place errors become GraphQL errors: the gateway's own and every domain's codes (the
 * table in domain-errors.ts) go to `extensions.code` (and `extensions.field`); anything
 * unknown is logged with context and answered as a plain INTERNAL_SERVER_ERROR without
 * internals. Resolvers let domain errors through rather than catch them.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const translated =
      original instanceof GatewayError
        ? {
            code: original.code,
            ...(original.field ? { field: original.field } : {}),
            ...(original instanceof RateLimitedError ? { retryAfterS: original.retryAfterS } : {}),
          }
        : isDomainError(original)
          ? translateDomainError(original)
          : null;
    if (translated) {
      return {
        message: (original as Error).message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: translated,
      };
    }
    const code = String(formatted.extensions?.code ?? '');
    if (known.has(code)) return formatted;
    logger.error({ err: original, path: formatted.path }, 'unexpected resolver error');
    return { message: 'internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
