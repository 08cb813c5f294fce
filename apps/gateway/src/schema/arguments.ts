import { SYMBOL_PATTERN, timeframeSchema, type Timeframe } from '@tradeplane/contracts';
import { defaultFieldResolver, getNamedType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { badInput } from '../errors/graphql-errors';
import { InvalidDateTime, type DateTimeArgument } from './scalars';

/**
 * A list query's page size: `first` absent → `defaultSize`; anything but an integer from 1 to
 * `max` is refused (BAD_USER_INPUT naming the argument), never clamped.
 */
export function pageSize(
  first: number | null | undefined,
  limits: { defaultSize: number; max: number },
  field = 'first',
): number {
  const value = first ?? limits.defaultSize;
  if (!Number.isInteger(value) || value < 1 || value > limits.max)
    throw badInput(field, `${field} must be an integer from 1 to ${limits.max}`);
  return value;
}

/** A timeframe argument of the enum (BAD_USER_INPUT naming it otherwise). */
export function timeframeArg(value: string, field = 'timeframe'): Timeframe {
  const parsed = timeframeSchema.safeParse(value);
  if (!parsed.success) throw badInput(field, `${field} must be one of ${timeframeSchema.options.join(', ')}`);
  return parsed.data;
}

/** A symbol argument, trimmed and upper-cased (blank → undefined); BAD_USER_INPUT naming it when not a ticker. */
export function symbolArg(value: string | null | undefined, field = 'symbol'): string | undefined {
  const symbol = value?.trim().toUpperCase() || undefined;
  if (symbol && !SYMBOL_PATTERN.test(symbol))
    throw badInput(field, `${field} must be a ticker (letters, digits, ".", "_" or "-"; at most 32)`);
  return symbol;
}

/** A DateTime argument as a Date (absent → undefined); BAD_USER_INPUT naming it when invalid. */
export function timeArg(field: string, value: DateTimeArgument | null | undefined): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof InvalidDateTime) throw badInput(field, `${field} ${value.reason}`);
  return value;
}

/**
 * Every root field's DateTime arguments read through `timeArg` before its resolver runs, so an
 * impossible time never reaches a resolver that forgot to check it: the same BAD_USER_INPUT
 * naming the argument, for every field of the schema. Resolvers still read them with `timeArg`
 * (absent → undefined, Date typed).
 */
export function checkDateTimeArguments(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const times = field.args.filter((arg) => getNamedType(arg.type).name === 'DateTime').map((a) => a.name);
      if (times.length === 0) continue;
      const checked =
        (resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> =>
        (source, args: Record<string, DateTimeArgument | null | undefined>, context, info) => {
          for (const name of times) timeArg(name, args[name]);
          return resolve(source, args, context, info);
        };
      field.resolve = checked(field.resolve ?? defaultFieldResolver);
      if (field.subscribe) field.subscribe = checked(field.subscribe);
    }
  }
  return schema;
}
