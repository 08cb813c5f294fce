'use client';

import { useEffect, useMemo, useState } from 'react';
import Link from 'next/link';
import { formatDateTime, formatInt } from '@/shared/format/format';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { Pager } from '@/shared/ui/Pager';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { EXPERIMENTS, type Experiment } from './operations';
import styles from './experiments.module.css';

const PAGE_SIZE = 25;
const SEARCH_DEBOUNCE_MS = 250;

/**
 * Experiments, newest activity first, with a name search. Pages are cursor-based: `after[p]` is
 * the cursor that starts page p, so going back needs no second request shape.
 */
export function ExperimentsList(props: {
  selectedId: string | null;
  onLoaded: (first: Experiment | null) => void;
}) {
  const { selectedId, onLoaded } = props;
  const [search, setSearch] = useState('');
  const [nameContains, setNameContains] = useState<string | null>(null);
  const [paging, setPaging] = useState<{ page: number; after: (string | null)[] }>({
    page: 0,
    after: [null],
  });

  useEffect(() => {
    const next = search.trim() || null;
    if (next === nameContains) return;
    const id = window.setTimeout(() => {
      setNameContains(next);
      setPaging({ page: 0, after: [null] });
    }, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(id);
  }, [search, nameContains]);

  const vars = useMemo(
    () => ({ first: PAGE_SIZE, after: paging.after[paging.page] ?? null, nameContains }),
    [paging, nameContains],
  );
  const q = useQuery(EXPERIMENTS, vars);
  const connection = q.data?.experiments;
  const first = connection?.edges[0]?.node ?? null;
  useEffect(() => {
    if (connection) onLoaded(first);
  }, [connection, first, onLoaded]);

  const goTo = (page: number) => {
    if (page < paging.page) setPaging({ page, after: paging.after.slice(0, page + 1) });
    else if (page === paging.page + 1 && connection?.pageInfo.endCursor) {
      setPaging({ page, after: [...paging.after.slice(0, page), connection.pageInfo.endCursor] });
    }
  };

  return (
    <Card
      title={
        <>
          Experiments{' '}
          {connection && <span className={styles.titleMeta}>{formatInt(connection.totalCount)}</span>}
        </>
      }
      bodyClassName={styles.flushBody}
      testId="experiments-list"
    >
      <div className={styles.searchRow}>
        <label className="field-label" htmlFor="experiment-search">
          Search by name
        </label>
        <input
          id="experiment-search"
          className="input"
          type="search"
          value={search}
          placeholder="e.g. spy"
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      {q.error && !connection ? (
        <div className={styles.pad}>
          <ErrorState error={q.error} onRetry={q.reload} />
        </div>
      ) : !connection ? (
        <div className={styles.pad}>
          <Loading>Loading experiments…</Loading>
        </div>
      ) : connection.edges.length === 0 ? (
        <div className={styles.pad}>
          <Empty>
            {nameContains
              ? `No experiment name contains “${nameContains}”.`
              : 'No experiments yet. Training jobs and the CLI log runs through the tracking client.'}
          </Empty>
        </div>
      ) : (
        <>
          <div className={styles.listScroll}>
            <table className="table" aria-label="Experiments">
              <thead>
                <tr>
                  <th>Name</th>
                  <th className="num">Runs</th>
                  <th>Last run</th>
                  <th>Owner</th>
                </tr>
              </thead>
              <tbody>
                {connection.edges.map(({ node: e }) => {
                  const selected = e.id === selectedId;
                  return (
                    <tr
                      key={e.id}
                      className={selected ? styles.selectedRow : undefined}
                      data-testid={`experiment-row-${e.name}`}
                    >
                      <td className={styles.cellClip} title={e.description ?? e.name}>
                        <Link
                          href={`/experiments?${new URLSearchParams({ experiment: e.id }).toString()}`}
                          aria-current={selected ? 'true' : undefined}
                          scroll={false}
                        >
                          {e.name}
                        </Link>
                      </td>
                      <td className="num">{formatInt(e.runCount)}</td>
                      <td className="mono">{formatDateTime(e.lastRunAt)}</td>
                      <td className={styles.cellClip}>{e.owner}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className={styles.pagerRow}>
            <Pager page={paging.page} pageSize={PAGE_SIZE} total={connection.totalCount} onPage={goTo} />
          </div>
        </>
      )}
    </Card>
  );
}
