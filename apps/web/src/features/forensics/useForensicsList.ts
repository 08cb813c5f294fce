'use client';

import { useCallback, useMemo, useState } from 'react';
import { request } from '@/shared/graphql/client';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { FORENSICS_DECISIONS, type ForensicsDecision, type ForensicsSearchVars } from './operations';

export const FORENSICS_PAGE_SIZE = 50;

export interface ForensicsListState {
  rows: ForensicsDecision[];
  hasMore: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: Error | undefined;
  loadMore: () => void;
  reload: () => void;
}

interface MorePages {
  key: string;
  rows: ForensicsDecision[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/**
 * Stored decisions matching `search`, newest first: the first page by query, further pages
 * appended by "Load more" with the cursor of the last one. `search = null` skips the query.
 */
export function useForensicsList(
  search: { symbol: string | null; from: string | null; to: string | null } | null,
): ForensicsListState {
  const vars = useMemo<ForensicsSearchVars | null>(
    () => (search ? { ...search, first: FORENSICS_PAGE_SIZE, after: null } : null),
    [search],
  );
  const key = vars ? JSON.stringify(vars) : '';
  const first = useQuery(FORENSICS_DECISIONS, vars);
  const [more, setMore] = useState<MorePages | null>(null);
  const [moreError, setMoreError] = useState<{ key: string; error: Error } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const page = first.data?.forensicsDecisions;
  const extra = more && more.key === key ? more : null;
  const endCursor = extra ? extra.endCursor : (page?.pageInfo.endCursor ?? null);
  const hasMore = extra ? extra.hasNextPage : (page?.pageInfo.hasNextPage ?? false);

  const loadMore = useCallback(() => {
    if (!vars || !endCursor || loadingMore) return;
    setLoadingMore(true);
    request(FORENSICS_DECISIONS, { ...vars, after: endCursor })
      .then(({ forensicsDecisions: next }) =>
        setMore((prev) => ({
          key,
          rows: [...(prev && prev.key === key ? prev.rows : []), ...next.items],
          endCursor: next.pageInfo.endCursor,
          hasNextPage: next.pageInfo.hasNextPage,
        })),
      )
      .catch((err: unknown) =>
        setMoreError({ key, error: err instanceof Error ? err : new Error(String(err)) }),
      )
      .finally(() => setLoadingMore(false));
  }, [vars, key, endCursor, loadingMore]);

  const reloadFirst = first.reload;
  const reload = useCallback(() => {
    // A reload starts from the newest again: drop the appended pages.
    setMore(null);
    reloadFirst();
  }, [reloadFirst]);

  const rows = useMemo(() => {
    const firstRows = page?.items ?? [];
    if (!extra) return firstRows;
    // The first page may have been reloaded since; a decision shows once.
    const seen = new Set(firstRows.map((r) => r.decisionId));
    return [...firstRows, ...extra.rows.filter((r) => !seen.has(r.decisionId))];
  }, [page, extra]);

  return {
    rows,
    hasMore,
    loading: first.loading && !page,
    loadingMore,
    error: first.error ?? (moreError?.key === key ? moreError.error : undefined),
    loadMore,
    reload,
  };
}
