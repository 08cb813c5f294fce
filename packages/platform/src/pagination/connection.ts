/** A repository's page: each row with its typed keyset position, and whether more rows follow. */
export interface KeysetPage<N, P> {
  items: ReadonlyArray<{ node: N; cursor: P }>;
  hasNextPage: boolean;
}

/** The connection shape of every paginated list (`PageInfo` in the GraphQL schema). */
export interface Connection<N> {
  edges: Array<{ node: N; cursor: string }>;
  /** The edges' nodes, for lists that expose `items` rather than edges. */
  nodes: N[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface ConnectionOptions {
  /**
   * Whether the last page still reports its last edge's cursor as `endCursor` (default true,
   * as Relay does: a client can ask again later for rows added since). False answers null
   * once nothing follows, for lists whose clients have always stopped on a null cursor.
   */
  endCursorOnLastPage?: boolean;
}

/** A page as a connection: every position encoded, `endCursor` the last edge's cursor. */
export function connection<N, P>(
  page: KeysetPage<N, P>,
  encode: (position: P) => string,
  options: ConnectionOptions = {},
): Connection<N> {
  const edges = page.items.map(({ node, cursor }) => ({ node, cursor: encode(cursor) }));
  const last = edges.at(-1)?.cursor ?? null;
  const endCursor = page.hasNextPage || (options.endCursorOnLastPage ?? true) ? last : null;
  return { edges, nodes: edges.map((e) => e.node), pageInfo: { hasNextPage: page.hasNextPage, endCursor } };
}
