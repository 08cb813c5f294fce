import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { assertNever } from '@tradeplane/contracts';
import { sha256Hex, type Logger } from '@tradeplane/platform';
import type { Request, RequestHandler, Response } from 'express';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { SessionUser } from '../auth/roles';
import type { GatewayConfig } from '../config';
import type { GatewayContext } from '../context';
import { formatError } from '../errors/graphql-errors';
import { costLimit } from './cost-limit';
import { depthLimit } from './depth-limit';
import { unstorableString } from './unstorable-strings';

type AdhocOperations = NonNullable<GatewayConfig['GRAPHQL_ADHOC_OPERATIONS']>;

type LimitsConfig = Pick<
  GatewayConfig,
  'GRAPHQL_MAX_DEPTH' | 'GRAPHQL_MAX_ALIASES' | 'GRAPHQL_MAX_DIRECTIVES' | 'GRAPHQL_MAX_COST'
>;

/** GraphQL Armor's rules throw by default; reported instead, they join the other validation errors. */
const report = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''))),
  ],
};

/** The limits, as validation rules (aliases and directives: GraphQL Armor's); the same list runs on both transports. */
export function limitRules(config: LimitsConfig): ValidationRule[] {
  return [
    depthLimit(config.GRAPHQL_MAX_DEPTH),
    maxAliasesRule({ n: config.GRAPHQL_MAX_ALIASES, ...report }),
    maxDirectivesRule({ n: config.GRAPHQL_MAX_DIRECTIVES, ...report }),
    costLimit(config.GRAPHQL_MAX_COST),
  ];
}

/** Unset GRAPHQL_ADHOC_OPERATIONS: only trusted documents in production, anything in development. */
export function adhocOperations(config: Pick<GatewayConfig, 'NODE_ENV' | 'GRAPHQL_ADHOC_OPERATIONS'>) {
  return config.GRAPHQL_ADHOC_OPERATIONS ?? (config.NODE_ENV === 'production' ? 'reject' : 'allow');
}

/** Whether `user` may run a document whose text hashes to `hash`. */
export function mayRun(
  hash: string,
  trusted: ReadonlySet<string>,
  adhoc: AdhocOperations,
  user: SessionUser | null,
): boolean {
  if (trusted.has(hash)) return true;
  switch (adhoc) {
    case 'allow':
      return true;
    case 'admin':
      return user?.role === 'admin';
    case 'reject':
      return false;
    default:
      return assertNever(adhoc);
  }
}

/** Where httpGate leaves the request's context for Apollo's context function. */
const HTTP_CONTEXT = 'graphqlContext';

/** The context httpGate made for this request. */
export function httpContext(res: Response): GatewayContext | undefined {
  return res.locals[HTTP_CONTEXT] as GatewayContext | undefined;
}

const withCode = (error: GraphQLError, code: string, status: number) =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code, http: { status } },
  });

interface GraphQLPipeline {
  /** graphql-js's rules and the limits, for Apollo's `validationRules` (it adds its own specified rules). */
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /**
   * The trusted-document check over HTTP, before Apollo parses anything (Apollo's plugin hooks
   * cannot refuse a request before parsing): Express middleware in front of Apollo's, given
   * the request's context, which it leaves in `res.locals` for Apollo's context function.
   */
  httpGate(contextFor: (req: Request) => Promise<GatewayContext>): RequestHandler;
  /** The checks after validation (storable strings), as an Apollo plugin. */
  apolloPlugin: ApolloServerPlugin<GatewayContext>;
  /** graphql-ws's hooks: the same parse, rules, checks and error formatting. */
  ws: {
    onSubscribe(
      contextValue: GatewayContext,
      payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null },
    ): ExecutionArgs | readonly GraphQLError[];
    /** A subscribe whose context could not be made (the database down): an error, not a close reason. */
    contextFailed(error: unknown): readonly GraphQLError[];
    onNext(result: ExecutionResult): FormattedExecutionResult;
    onError(errors: readonly GraphQLError[]): GraphQLFormattedError[];
  };
}

/**
 * The one GraphQL request pipeline, for both transports: parse (with the token limit), the
 * validation rules (graphql-js's, depth, aliases, directives, cost; no introspection in
 * production), the trusted-document check, the storable-string check, and error formatting.
 */
export function createGraphQLPipeline(options: {
  schema: GraphQLSchema;
  config: GatewayConfig;
  logger: Logger;
  trustedDocuments: ReadonlySet<string>;
}): GraphQLPipeline {
  const { schema, config, logger, trustedDocuments } = options;
  const production = config.NODE_ENV === 'production';
  const adhoc = adhocOperations(config);
  const validationRules = [...limitRules(config), ...(production ? [NoSchemaIntrospectionCustomRule] : [])];
  const parseOptions: ParseOptions = { maxTokens: config.GRAPHQL_MAX_TOKENS };
  const format = formatError(logger, { production });
  const formatOne = (error: GraphQLError) => format(error.toJSON(), error);

  const admit = (source: string, user: SessionUser | null): GraphQLError | null =>
    mayRun(sha256Hex(source), trustedDocuments, adhoc, user)
      ? null
      : new GraphQLError('this operation is not one of the console’s trusted documents', {
          extensions: { code: 'OPERATION_NOT_TRUSTED', http: { status: 400 } },
        });

  const checkStrings = (
    document: DocumentNode,
    variables: Record<string, unknown> | null | undefined,
    operationName: string | null | undefined,
  ): GraphQLError | null => {
    const bad = unstorableString(document, getOperationAST(document, operationName), variables ?? {});
    return bad
      ? new GraphQLError(bad.message, {
          extensions: { code: 'BAD_USER_INPUT', field: bad.field, http: { status: 400 } },
        })
      : null;
  };

  return {
    validationRules,
    parseOptions,
    formatError: format,
    httpGate: (contextFor) => async (req, res, next) => {
      try {
        const contextValue = await contextFor(req);
        res.locals[HTTP_CONTEXT] = contextValue;
        const body: unknown = req.method === 'GET' ? req.query : req.body;
        const source = (body as { query?: unknown } | undefined)?.query;
        // Anything but one query text is Apollo's to refuse (a batch, a missing query).
        const refused = typeof source === 'string' ? admit(source, contextValue.user) : null;
        if (!refused) return next();
        res.status(400).json({ errors: [formatOne(refused)] });
      } catch (err) {
        next(err);
      }
    },
    apolloPlugin: {
      async requestDidStart() {
        return {
          async didResolveOperation(rc) {
            const bad = checkStrings(rc.document, rc.request.variables, rc.request.operationName);
            if (bad) throw bad;
          },
        };
      },
    },
    ws: {
      onSubscribe(contextValue, payload) {
        const refused = admit(payload.query, contextValue.user);
        if (refused) return [refused];
        let document: DocumentNode;
        try {
          document = parse(payload.query, parseOptions);
        } catch (err) {
          if (err instanceof GraphQLError) return [withCode(err, 'GRAPHQL_PARSE_FAILED', 400)];
          throw err;
        }
        const invalid = validate(schema, document, [...specifiedRules, ...validationRules]);
        if (invalid.length) return invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED', 400));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation)
          return [
            new GraphQLError('the document names no operation to run', {
              extensions: { code: 'BAD_REQUEST' },
            }),
          ];
        const coerced = getVariableValues(
          schema,
          operation.variableDefinitions ?? [],
          payload.variables ?? {},
        );
        if (coerced.errors) return coerced.errors.map((e) => withCode(e, 'BAD_USER_INPUT', 400));
        const bad = checkStrings(document, payload.variables, payload.operationName);
        if (bad) return [bad];
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      contextFailed(error) {
        // No code: formatError logs it and answers INTERNAL_SERVER_ERROR without its message.
        return [new GraphQLError('context creation failed', { originalError: error as Error })];
      },
      onNext(result) {
        return result.errors ? { ...result, errors: result.errors.map(formatOne) } : result;
      },
      onError(errors) {
        return errors.map(formatOne);
      },
    },
  };
}
