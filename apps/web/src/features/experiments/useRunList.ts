'use client';

import { useMemo } from 'react';
import type { DataOf } from '@/shared/graphql/client';
import { useCursorList, type CursorListState } from '@/shared/hooks/useCursorList';
import { RUNS, type RunFilter, type RunRow, type RunSort } from './operations';

export const RUNS_PAGE_SIZE = 50;

export type RunListState = Omit<CursorListState<RunRow, unknown>, 'first'> & { totalCount: number | null };

const selectRuns = (data: DataOf<typeof RUNS>) => ({
  rows: data.runs.edges.map((e) => e.node),
  endCursor: data.runs.pageInfo.endCursor,
  hasNextPage: data.runs.pageInfo.hasNextPage,
});
const runId = (r: RunRow) => r.id;

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
  const { first, ...list } = useCursorList(RUNS, vars, selectRuns, runId, { pollMs: opts.pollMs });
  return { ...list, totalCount: first?.runs.totalCount ?? null };
}
