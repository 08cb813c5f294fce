'use client';

import { useCallback, useMemo } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { errorField, errorMessage } from '@/shared/graphql/client';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { DecisionExplanation } from './DecisionExplanation';
import { ForensicsList } from './ForensicsList';
import {
  checkForensicsQuery,
  forensicsFieldOf,
  forensicsHref,
  readForensicsQuery,
  type ForensicsQuery,
} from './forensicsQuery';
import { ForensicsSearchForm } from './ForensicsSearchForm';
import { useForensicsList } from './useForensicsList';
import styles from './forensics.module.css';

/**
 * The forensics explorer: find stored decisions by symbol and time range (newest first, cursor
 * pages), open one by id, and read its explanation. All of it lives in the URL.
 */
export function ForensicsPage() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const search = params.toString();
  // Keyed on the URL's text, so a new render with the same URL keeps the same objects.
  const query = useMemo(() => readForensicsQuery(new URLSearchParams(search)), [search]);
  const checked = useMemo(() => checkForensicsQuery(query), [query]);
  const list = useForensicsList(checked.search);

  const listField = forensicsFieldOf(errorField(list.error));
  const errors = listField ? { ...checked.errors, [listField]: errorMessage(list.error) } : checked.errors;

  const go = useCallback(
    (next: ForensicsQuery) => {
      const href = forensicsHref(next);
      // Find on the same query reads the newest decisions again.
      if (href === `${pathname}${search ? `?${search}` : ''}`) list.reload();
      else router.push(href, { scroll: false });
    },
    [pathname, search, router, list],
  );
  const rowHref = useCallback((id: string) => forensicsHref({ ...query, id }), [query]);

  const s = checked.search;
  const filters = [s?.symbol, s?.from && `from ${s.from}`, s?.to && `to ${s.to}`].filter(Boolean).join(' · ');
  let results;
  if (!s)
    results = (
      <div className={styles.pad}>
        <Empty>Correct the search above to list decisions.</Empty>
      </div>
    );
  else if (list.error && !listField && list.rows.length === 0)
    results = <ErrorState error={list.error} onRetry={list.reload} />;
  else if (list.loading) results = <Loading>Finding decisions…</Loading>;
  else
    results = (
      <>
        <ForensicsList
          rows={list.rows}
          selectedId={checked.id}
          href={rowHref}
          emptyText={
            filters ? `No explained decision matches ${filters}.` : 'No decision has been explained yet.'
          }
        />
        {list.hasMore && (
          <div className={styles.more}>
            <button type="button" className="btn btn-sm" onClick={list.loadMore} disabled={list.loadingMore}>
              {list.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </>
    );

  return (
    <div className={styles.page}>
      <Card title="Find decisions" testId="forensics-search">
        <ForensicsSearchForm
          query={query}
          errors={errors}
          onSubmit={go}
          onClear={() => router.push('/forensics')}
        />
      </Card>
      <div className={styles.split}>
        <Card
          title={
            <>
              Explained decisions
              <span className={styles.titleMeta}>
                {list.rows.length} shown · newest first{filters ? ` · ${filters}` : ''}
              </span>
            </>
          }
          actions={
            <button type="button" className="btn btn-sm" onClick={list.reload} disabled={!s}>
              Refresh
            </button>
          }
          bodyClassName={styles.flushBody}
          testId="forensics-results"
        >
          {results}
        </Card>
        <div className={styles.explanationColumn}>
          {checked.id ? (
            <DecisionExplanation key={checked.id} id={checked.id} />
          ) : (
            <Card title="Explanation">
              <Empty>
                Enter a decision id, or pick a decision from the list, to see how its features, specialists,
                regime and the risk check made its target.
              </Empty>
            </Card>
          )}
        </div>
      </div>
    </div>
  );
}
