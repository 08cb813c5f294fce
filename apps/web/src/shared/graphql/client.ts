/**
 * Tiny typed GraphQL-over-HTTP helper. Talks only to the same-origin `/graphql`
 * endpoint (rewritten to the gateway by next.config.ts) so the session cookie is first-party.
 */

/** A GraphQL operation with its result and variable types attached. */
export interface Operation<TData, TVars extends Record<string, unknown> = Record<string, never>> {
  readonly query: string;
  /** Phantom fields: never set, only carry types. */
  readonly __data?: TData;
  readonly __vars?: TVars;
}

export function operation<TData, TVars extends Record<string, unknown> = Record<string, never>>(
  query: string,
): Operation<TData, TVars> {
  return { query };
}

export type DataOf<O> = O extends Operation<infer D, Record<string, unknown>> ? D : never;

interface GraphQLErrorShape {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: GraphQLErrorShape[];
}

/** Codes produced by this helper itself (the gateway's own codes come from `extensions.code`). */
export const GATEWAY_UNREACHABLE = 'GATEWAY_UNREACHABLE';
export const BAD_RESPONSE = 'BAD_RESPONSE';

export class GraphQLRequestError extends Error {
  /** `extensions.code` of the first GraphQL error, or one of the helper's own codes. */
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly errors: readonly GraphQLErrorShape[];

  constructor(message: string, opts: { code?: string; status?: number; errors?: GraphQLErrorShape[] } = {}) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = opts.code;
    this.status = opts.status;
    this.errors = opts.errors ?? [];
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Redirect to /login on UNAUTHENTICATED (default true). The login form turns it off. */
  redirectOnUnauthenticated?: boolean;
}

function redirectToLogin(): void {
  if (typeof window === 'undefined') return;
  if (window.location.pathname.startsWith('/login')) return;
  window.location.assign('/login');
}

export async function request<TData, TVars extends Record<string, unknown>>(
  op: Operation<TData, TVars>,
  variables?: TVars,
  opts: RequestOptions = {},
): Promise<TData> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query: op.query, variables: variables ?? {} }),
      signal: opts.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new GraphQLRequestError(`Gateway unreachable: ${errorMessage(err)}`, { code: GATEWAY_UNREACHABLE });
  }

  const contentType = res.headers.get('content-type') ?? '';
  if (!contentType.includes('json')) {
    // The Next rewrite answers 5xx with an HTML/text body when the gateway is down.
    const unreachable = res.status >= 500;
    throw new GraphQLRequestError(
      unreachable
        ? `Gateway unreachable (HTTP ${res.status} from /graphql)`
        : `Unexpected response from /graphql (HTTP ${res.status})`,
      { code: unreachable ? GATEWAY_UNREACHABLE : BAD_RESPONSE, status: res.status },
    );
  }

  let body: GraphQLResponse<TData>;
  try {
    body = (await res.json()) as GraphQLResponse<TData>;
  } catch {
    throw new GraphQLRequestError(`Malformed JSON from /graphql (HTTP ${res.status})`, {
      code: BAD_RESPONSE,
      status: res.status,
    });
  }

  const first = body.errors?.[0];
  if (first) {
    const code = first.extensions?.code;
    if (code === 'UNAUTHENTICATED' && opts.redirectOnUnauthenticated !== false) redirectToLogin();
    throw new GraphQLRequestError(first.message, { code, status: res.status, errors: body.errors });
  }
  if (body.data == null) {
    throw new GraphQLRequestError(`Empty GraphQL response (HTTP ${res.status})`, {
      code: BAD_RESPONSE,
      status: res.status,
    });
  }
  return body.data;
}

/** `extensions.field` of a BAD_USER_INPUT error: the argument the gateway names as wrong, e.g. `input.modelName`. */
export function errorField(err: unknown): string | undefined {
  if (!(err instanceof GraphQLRequestError)) return undefined;
  const field = err.errors[0]?.extensions?.field;
  return typeof field === 'string' ? field : undefined;
}
