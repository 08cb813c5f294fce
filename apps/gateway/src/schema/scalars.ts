import { parseTime, TimeError } from '@tradeplane/contracts';
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/**
 * A DateTime argument the one time parser (@tradeplane/contracts time) refused. The scalar
 * hands it to the resolver rather than throwing: graphql-js reports a literal's scalar error
 * as a validation error (Apollo: GRAPHQL_VALIDATION_FAILED) and a variable's under the
 * variable's name, and neither knows the argument. `timeArg` turns it into BAD_USER_INPUT
 * naming the argument, the same for literals and variables on both transports.
 */
export class InvalidDateTime {
  constructor(readonly reason: string) {}
}

/** What a DateTime argument arrives as: read it with `timeArg`. */
export type DateTimeArgument = Date | InvalidDateTime;

const parseDateTime = (value: unknown): DateTimeArgument => {
  const ms = parseTime('DateTime', value);
  return ms instanceof TimeError ? new InvalidDateTime(ms.reason) : new Date(ms);
};

const literal = (ast: ValueNode): unknown =>
  ast.kind === Kind.STRING ? ast.value : ast.kind === Kind.INT ? Number(ast.value) : undefined;

export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description:
    'An instant, written as ISO 8601 in UTC. As an argument: a date YYYY-MM-DD (midnight UTC), a ' +
    'date-time with Z or an offset, or epoch milliseconds; from 1971-01-01 up to 2100-01-01.',
  serialize: (value) =>
    value instanceof Date ? value.toISOString() : new Date(value as string | number).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(literal(ast)),
});

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
});
