import { HeaderMap } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '@tradeplane/platform';
import { isDomainError, translateDomainError, type GraphQLCode } from './domain-errors';

/**
 * The domain table's codes, plus the pipeline's own: OPERATION_NOT_TRUSTED for a document
 * outside the console's trusted-document manifest when ad-hoc operations are not allowed.
 */
export type GatewayErrorCode = GraphQLCode | 'OPERATION_NOT_TRUSTED';

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
  'OPERATION_NOT_TRUSTED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UPSTREAM_UNAVAILABLE',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
]);

/** graphql-js's "Did you mean …?" hints name fields and types of the schema. */
const SUGGESTION = /\s*Did you mean .+\?$/;

/**
 * The one place errors become GraphQL errors, for HTTP and WebSocket alike: the gateway's own
 * and every domain's codes (the table in domain-errors.ts) go to `extensions.code` (and
 * `extensions.field`); anything unknown is logged with context and answered as a plain
 * INTERNAL_SERVER_ERROR without internals. No stack trace in any mode, and in production no
 * field suggestions. Resolvers let domain errors through rather than catch them.
 */
export function formatError(logger: Logger, options: { production?: boolean } = {}) {
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
    if (known.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return {
        message: options.production ? formatted.message.replace(SUGGESTION, '') : formatted.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions,
      };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected resolver error');
    return { message: 'internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
