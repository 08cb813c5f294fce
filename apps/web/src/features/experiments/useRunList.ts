'use client';

import { useCallback, useMemo, useState } from 'react';
import { request } from '@/shared/graphql/client';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { RUNS, type RunFilter, type RunRow, type RunSort } from './operations';

export const RUNS_PAGE_SIZE = 50;

export interface RunListState {
  rows: RunRow[];
  totalCount: number | null;
  hasMore: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: Error | undefined;
  loadMore: () => void;
  reload: () => void;
}

interface MorePages {
  key: string;
  rows: RunRow[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/**
 * Runs matching `filter`, in `sort` order: the first page by query (re-run by `reload` and
 * `pollMs`), further pages appended by "Load more" with the cursor of the last one.
 */
export function useRunList(
  filter: RunFilter | null,
  sort: RunSort,
  opts: { pollMs?: number } = {},
): RunListState {
  const vars = useMemo(
    () => (filter ? { filter, sort, first: RUNS_PAGE_SIZE, after: null } : null),
    [filter, sort],
  );
  const key = vars ? JSON.stringify(vars) : '';
  const first = useQuery(RUNS, vars, opts);
  const [more, setMore] = useState<MorePages | null>(null);
  const [moreError, setMoreError] = useState<{ key: string; error: Error } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const page = first.data?.runs;
  const extra = more && more.key === key ? more : null;
  const endCursor = extra ? extra.endCursor : (page?.pageInfo.endCursor ?? null);
  const hasMore = extra ? extra.hasNextPage : (page?.pageInfo.hasNextPage ?? false);

  const loadMore = useCallback(() => {
    if (!vars || !endCursor || loadingMore) return;
    setLoadingMore(true);
    request(RUNS, { ...vars, after: endCursor })
      .then(({ runs }) =>
        setMore((prev) => ({
          key,
          rows: [...(prev && prev.key === key ? prev.rows : []), ...runs.edges.map((e) => e.node)],
          endCursor: runs.pageInfo.endCursor,
          hasNextPage: runs.pageInfo.hasNextPage,
        })),
      )
      .catch((err: unknown) =>
        setMoreError({ key, error: err instanceof Error ? err : new Error(String(err)) }),
      )
      .finally(() => setLoadingMore(false));
  }, [vars, key, endCursor, loadingMore]);

  const rows = useMemo(() => {
    const firstRows = page?.edges.map((e) => e.node) ?? [];
    if (!extra) return firstRows;
    // The first page may have been refreshed since; a run shows once, as the first page has it.
    const seen = new Set(firstRows.map((r) => r.id));
    return [...firstRows, ...extra.rows.filter((r) => !seen.has(r.id))];
  }, [page, extra]);

  return {
    rows,
    totalCount: page?.totalCount ?? null,
    hasMore,
    loading: first.loading && !page,
    loadingMore,
    error: first.error ?? (moreError?.key === key ? moreError.error : undefined),
    loadMore,
    reload: first.reload,
  };
}
