import { makeExecutableSchema } from '@graphql-tools/schema';
import { graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/graphql-errors';
import { checkDateTimeArguments } from './arguments';
import { DateTime } from './scalars';

// A resolver that never looks at its DateTime argument: the schema-wide check refuses it anyway.
const schema = checkDateTimeArguments(
  makeExecutableSchema({
    typeDefs: 'scalar DateTime\ntype Query { since(from: DateTime, label: String): String! }',
    resolvers: { DateTime, Query: { since: (_: unknown, args: { label?: string }) => args.label ?? 'ok' } },
  }),
);

const run = (source: string, variableValues?: Record<string, unknown>) =>
  graphql({ schema, source, variableValues });

describe('DateTime arguments, checked for every field', () => {
  it.each([
    ['a literal', '{ since(from: "2018-02-30") }', undefined],
    ['a variable', 'query($f: DateTime) { since(from: $f) }', { f: '1700000000000000' }],
  ])('refuse an impossible time given as %s, naming the argument', async (_, source, variables) => {
    const result = await run(source, variables);
    const error = result.errors?.[0]?.originalError;
    expect(error).toBeInstanceOf(GatewayError);
    expect({ code: (error as GatewayError).code, field: (error as GatewayError).field }).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'from',
    });
    expect(result.data).toBeNull();
  });

  it('let a valid or absent time through to the resolver', async () => {
    expect((await run('{ since(from: "2018-02-28", label: "in") }')).data).toEqual({ since: 'in' });
    expect((await run('{ since }')).data).toEqual({ since: 'ok' });
  });
});
