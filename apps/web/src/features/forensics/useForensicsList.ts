'use client';

import { useMemo } from 'react';
import type { DataOf } from '@/shared/graphql/client';
import { useCursorList, type CursorListState } from '@/shared/hooks/useCursorList';
import { FORENSICS_DECISIONS, type ForensicsDecision, type ForensicsSearchVars } from './operations';

export const FORENSICS_PAGE_SIZE = 50;

export type ForensicsListState = Omit<CursorListState<ForensicsDecision, unknown>, 'first'>;

const selectDecisions = (data: DataOf<typeof FORENSICS_DECISIONS>) => ({
  rows: data.forensicsDecisions.items,
  endCursor: data.forensicsDecisions.pageInfo.endCursor,
  hasNextPage: data.forensicsDecisions.pageInfo.hasNextPage,
});
const decisionId = (r: ForensicsDecision) => r.decisionId;

/**
 * Stored decisions matching `search`, newest first: the first page by query, further pages
 * appended by "Load more" with the cursor of the last one; a reload starts from the newest
 * again. `search = null` skips the query.
 */
export function useForensicsList(
  search: { symbol: string | null; from: string | null; to: string | null } | null,
): ForensicsListState {
  const vars = useMemo<ForensicsSearchVars | null>(
    () => (search ? { ...search, first: FORENSICS_PAGE_SIZE, after: null } : null),
    [search],
  );
  const { first: _first, ...list } = useCursorList(FORENSICS_DECISIONS, vars, selectDecisions, decisionId, {
    resetOnReload: true,
  });
  return list;
}
