'use client';

import { useCallback, useMemo, useState } from 'react';
import { request, type Operation } from '../graphql/client';
import { useQuery } from './useGraphQL';

/** One page of a cursor-paginated list, as `select` reads it out of a query's data. */
export interface CursorPage<Row> {
  rows: Row[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface CursorListState<Row, TData> {
  rows: Row[];
  /** The first page's data as the query returned it (totals and the like). */
  first: TData | undefined;
  hasMore: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: Error | undefined;
  loadMore: () => void;
  reload: () => void;
}

interface MorePages<Row> {
  key: string;
  rows: Row[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/**
 * A cursor-paginated list: the first page by query (`vars`, with `after: null`; re-run by
 * `reload` and `pollMs`), further pages appended by `loadMore` with the cursor of the last one.
 * A row shows once (by `idOf`) even when the first page was refreshed since. `resetOnReload`
 * drops the appended pages on `reload` (a list that starts from the newest again).
 * `select` and `idOf` should be stable (module-level functions).
 */
export function useCursorList<TData, TVars extends Record<string, unknown> & { after: string | null }, Row>(
  op: Operation<TData, TVars>,
  vars: TVars | null,
  select: (data: TData) => CursorPage<Row>,
  idOf: (row: Row) => string,
  opts: { pollMs?: number; resetOnReload?: boolean } = {},
): CursorListState<Row, TData> {
  const key = vars ? JSON.stringify(vars) : '';
  const first = useQuery(op, vars, { pollMs: opts.pollMs });
  const [more, setMore] = useState<MorePages<Row> | null>(null);
  const [moreError, setMoreError] = useState<{ key: string; error: Error } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const page = useMemo(() => (first.data ? select(first.data) : undefined), [first.data, select]);
  const extra = more && more.key === key ? more : null;
  const endCursor = extra ? extra.endCursor : (page?.endCursor ?? null);
  const hasMore = extra ? extra.hasNextPage : (page?.hasNextPage ?? false);

  const loadMore = useCallback(() => {
    if (!vars || !endCursor || loadingMore) return;
    setLoadingMore(true);
    request(op, { ...vars, after: endCursor })
      .then((data) => {
        const next = select(data);
        setMore((prev) => ({
          key,
          rows: [...(prev && prev.key === key ? prev.rows : []), ...next.rows],
          endCursor: next.endCursor,
          hasNextPage: next.hasNextPage,
        }));
      })
      .catch((err: unknown) =>
        setMoreError({ key, error: err instanceof Error ? err : new Error(String(err)) }),
      )
      .finally(() => setLoadingMore(false));
  }, [op, vars, select, key, endCursor, loadingMore]);

  const reloadFirst = first.reload;
  const resetOnReload = opts.resetOnReload ?? false;
  const reload = useCallback(() => {
    if (resetOnReload) setMore(null);
    reloadFirst();
  }, [reloadFirst, resetOnReload]);

  const rows = useMemo(() => {
    const firstRows = page?.rows ?? [];
    if (!extra) return firstRows;
    const seen = new Set(firstRows.map(idOf));
    return [...firstRows, ...extra.rows.filter((r) => !seen.has(idOf(r)))];
  }, [page, extra, idOf]);

  return {
    rows,
    first: first.data,
    hasMore,
    loading: first.loading && !page,
    loadingMore,
    error: first.error ?? (moreError?.key === key ? moreError.error : undefined),
    loadMore,
    reload,
  };
}
