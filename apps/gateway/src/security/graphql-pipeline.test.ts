import { sha256Hex, type Logger } from '@tradeplane/platform';
import { buildSchema, GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../auth/roles';
import { gatewayConfigSchema } from '../config';
import type { GatewayContext } from '../context';
import { adhocOperations, createGraphQLPipeline, mayRun } from './graphql-pipeline';

const schema = buildSchema(`
  type Health { ok: Boolean! }
  type Node { child: Node name: String }
  type Query { health: Health! node: Node me: String nodes(first: Int): [Node!]! }
  type Mutation { rename(name: String!, tags: [String!]): Boolean }
`);
const logger = { error: () => undefined, warn: () => undefined } as unknown as Logger;
const admin: SessionUser = { id: 'a', email: 'admin@x', role: 'admin' };
const viewer: SessionUser = { id: 'v', email: 'viewer@x', role: 'viewer' };
const TRUSTED = '{ me }';

function pipeline(env: Record<string, string> = {}) {
  return createGraphQLPipeline({
    schema,
    config: gatewayConfigSchema.parse(env),
    logger,
    trustedDocuments: new Set([sha256Hex(TRUSTED)]),
  });
}

/** The codes (and fields) a WebSocket subscribe is refused with; [] when it would run. */
function refusal(
  p: ReturnType<typeof pipeline>,
  query: string,
  variables: Record<string, unknown> = {},
  user: SessionUser | null = null,
) {
  const result = p.ws.onSubscribe({ user } as GatewayContext, { query, variables });
  if (!Array.isArray(result)) return [];
  return p.ws
    .onError(result as readonly GraphQLError[])
    .map((e) => [e.extensions?.code, e.extensions?.field].filter(Boolean).join(' '));
}

const aliases = (n: number, field: string) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

describe('the GraphQL pipeline', () => {
  it('refuses 1,000 aliases of one field, and 100 of health, with the default limits', () => {
    const p = pipeline();
    expect(refusal(p, aliases(1000, 'me'))).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(refusal(p, aliases(100, 'health { ok }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(refusal(p, aliases(10, 'health { ok }'))).toEqual([]);
  });

  it('refuses a document deeper than the depth limit, and one past the token limit while parsing', () => {
    const p = pipeline({ GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_TOKENS: '100' });
    expect(refusal(p, '{ node { child { child { name } } } }')).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(refusal(p, '{ node { child { name } } }')).toEqual([]);
    expect(refusal(p, aliases(40, 'me'))).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('refuses an operation past the cost limit, whatever page size it names', () => {
    const p = pipeline({ GRAPHQL_MAX_COST: '20' });
    // 2 + 1.5 × (2 + 1.5 × (2 + 1.5 × 1)) = 15.875; the literal page size does not multiply it.
    expect(refusal(p, '{ nodes(first: 100000) { child { child { name } } } }')).toEqual([]);
    expect(
      refusal(p, '{ a: nodes { child { child { name } } } b: node { child { child { name } } } }'),
    ).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(refusal(p, '{ ...F ...F } fragment F on Query { node { child { child { name } } } }')).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
    ]);
  });

  it('refuses too many directives', () => {
    const p = pipeline({ GRAPHQL_MAX_DIRECTIVES: '2' });
    expect(refusal(p, '{ me @skip(if: false) @include(if: true) health @skip(if: false) { ok } }')).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expect(refusal(p, '{ me @skip(if: false) @include(if: true) health { ok } }')).toEqual([]);
  });

  it('names the argument of a NUL byte, literal or variable', () => {
    const p = pipeline();
    expect(refusal(p, 'mutation { rename(name: "a\\u0000") }')).toEqual(['BAD_USER_INPUT name']);
    expect(
      refusal(p, 'mutation ($t: [String!]) { rename(name: "x", tags: $t) }', { t: ['ok', '\u0000'] }),
    ).toEqual(['BAD_USER_INPUT tags[1]']);
  });

  it('answers variables that do not coerce as BAD_USER_INPUT', () => {
    expect(refusal(pipeline(), 'mutation ($n: String!) { rename(name: $n) }', { n: 5 })).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('runs only trusted documents in production unless the opt-in says otherwise', () => {
    const production = pipeline({ NODE_ENV: 'production' });
    expect(refusal(production, TRUSTED)).toEqual([]);
    expect(refusal(production, '{ health { ok } }', {}, admin)).toEqual(['OPERATION_NOT_TRUSTED']);
    const adminOnly = pipeline({ NODE_ENV: 'production', GRAPHQL_ADHOC_OPERATIONS: 'admin' });
    expect(refusal(adminOnly, '{ health { ok } }', {}, admin)).toEqual([]);
    expect(refusal(adminOnly, '{ health { ok } }', {}, viewer)).toEqual(['OPERATION_NOT_TRUSTED']);
    expect(refusal(adminOnly, '{ health { ok } }')).toEqual(['OPERATION_NOT_TRUSTED']);
    expect(refusal(pipeline(), '{ health { ok } }')).toEqual([]);
  });

  it('defaults the opt-in by mode, and decides every mode', () => {
    expect(adhocOperations({ NODE_ENV: 'production', GRAPHQL_ADHOC_OPERATIONS: undefined })).toBe('reject');
    expect(adhocOperations({ NODE_ENV: 'development', GRAPHQL_ADHOC_OPERATIONS: undefined })).toBe('allow');
    expect(mayRun('h', new Set(['h']), 'reject', null)).toBe(true);
    expect(mayRun('x', new Set(['h']), 'allow', null)).toBe(true);
    expect(mayRun('x', new Set(['h']), 'admin', admin)).toBe(true);
    expect(mayRun('x', new Set(['h']), 'reject', admin)).toBe(false);
  });

  it('turns introspection and field suggestions off in production only', () => {
    const production = pipeline({ NODE_ENV: 'production', GRAPHQL_ADHOC_OPERATIONS: 'allow' });
    expect(new Set(refusal(production, '{ __schema { types { name } } }'))).toEqual(
      new Set(['GRAPHQL_VALIDATION_FAILED']),
    );
    expect(refusal(pipeline(), '{ __schema { types { name } } }')).toEqual([]);
    const message = (p: ReturnType<typeof pipeline>) => {
      const errors = p.ws.onSubscribe({ user: null } as GatewayContext, { query: '{ helth { ok } }' });
      return p.ws.onError(errors as readonly GraphQLError[])[0]?.message;
    };
    expect(message(pipeline())).toMatch(/Did you mean "health"\?/);
    expect(message(production)).not.toMatch(/Did you mean|health/);
  });

  it('answers a subscribe whose context failed as INTERNAL_SERVER_ERROR, without the cause', () => {
    const p = pipeline();
    const formatted = p.ws.onError(p.ws.contextFailed(new Error('connect ECONNREFUSED 127.0.0.1:55432')));
    expect(formatted).toEqual([{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
  });

  it('formats execution errors without internals: an unknown error is INTERNAL_SERVER_ERROR', () => {
    const internal = new GraphQLError('relation "users" does not exist', {
      path: ['me'],
      originalError: new Error('relation "users" does not exist'),
    });
    const result = pipeline().ws.onNext({ data: { me: null }, errors: [internal] });
    expect(result.errors).toEqual([
      { message: 'internal error', path: ['me'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
  });
});
