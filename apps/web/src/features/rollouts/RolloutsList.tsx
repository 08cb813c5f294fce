'use client';

import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { formatDateTime, formatInt } from '@/shared/format/format';
import { useCursorList, type CursorPage } from '@/shared/hooks/useCursorList';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { LiveState } from './LiveState';
import { ROLLOUT_STATUSES, ROLLOUTS, type RolloutStatus, type RolloutSummary } from './operations';
import { RolloutStatusChip } from './RolloutStatusChip';
import { currentStepLabel, STATUS_LABELS, VERDICT_LABELS } from './rolloutFormat';
import { FALLBACK_POLL_MS, useRolloutChanges } from './useRolloutChanges';
import styles from './rollouts.module.css';

const PAGE_SIZE = 20;

type RolloutsData = (typeof ROLLOUTS)['__data'] & object;

const selectPage = (data: RolloutsData): CursorPage<RolloutSummary> => ({
  rows: data.rollouts.items,
  endCursor: data.rollouts.pageInfo.endCursor,
  hasNextPage: data.rollouts.pageInfo.hasNextPage,
});
const idOf = (r: RolloutSummary) => r.id;

/** Every rollout, newest first, filtered by status; the running or paused one is highlighted. */
export function RolloutsList() {
  const [statuses, setStatuses] = useState<RolloutStatus[]>([]);
  const vars = useMemo(
    () => ({ status: statuses.length > 0 ? statuses : null, first: PAGE_SIZE, after: null }),
    [statuses],
  );
  const live = useRolloutChanges(null);
  const list = useCursorList(ROLLOUTS, vars, selectPage, idOf, {
    pollMs: live.streamError ? FALLBACK_POLL_MS : undefined,
    resetOnReload: true,
  });
  const { reload } = list;
  useEffect(() => {
    if (live.changes > 0) reload();
  }, [live.changes, reload]);
  const activeId = list.first?.activeRollout?.id ?? null;

  const toggle = (s: RolloutStatus) =>
    setStatuses((prev) => (prev.includes(s) ? prev.filter((x) => x !== s) : [...prev, s]));

  return (
    <Card
      title={
        <>
          Rollouts <span className={styles.titleMeta}>{formatInt(list.rows.length)} shown</span>
        </>
      }
      actions={<LiveState live={live} />}
      bodyClassName={styles.flushBody}
      testId="rollouts-list"
    >
      <div className={`${styles.toolbar} ${styles.pad}`}>
        <span className={styles.toolbarLabel}>Status</span>
        <div className="seg" role="group" aria-label="Filter by status" data-testid="rollout-status-filter">
          <button type="button" aria-pressed={statuses.length === 0} onClick={() => setStatuses([])}>
            all
          </button>
          {ROLLOUT_STATUSES.map((s) => (
            <button key={s} type="button" aria-pressed={statuses.includes(s)} onClick={() => toggle(s)}>
              {STATUS_LABELS[s]}
            </button>
          ))}
        </div>
      </div>
      {list.error && list.rows.length === 0 ? (
        <div className={styles.pad}>
          <ErrorState error={list.error} onRetry={list.reload} />
        </div>
      ) : list.loading ? (
        <div className={styles.pad}>
          <Loading>Loading rollouts…</Loading>
        </div>
      ) : list.rows.length === 0 ? (
        <div className={styles.pad}>
          <Empty>
            {statuses.length > 0 ? 'No rollout has these statuses.' : 'No rollout has been started yet.'}
          </Empty>
        </div>
      ) : (
        <RolloutsTable rows={list.rows} activeId={activeId} />
      )}
      {(list.hasMore || list.loadingMore) && (
        <div className={styles.pad}>
          <button type="button" className="btn btn-sm" onClick={list.loadMore} disabled={list.loadingMore}>
            {list.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
      {list.error && list.rows.length > 0 && (
        <div className={styles.pad}>
          <ErrorState error={list.error} compact />
        </div>
      )}
    </Card>
  );
}

export function RolloutsTable({
  rows,
  activeId,
}: {
  rows: readonly RolloutSummary[];
  activeId: string | null;
}) {
  return (
    <div className={styles.tableScroll}>
      <table className="table" aria-label="Rollouts" data-testid="rollouts-table">
        <thead>
          <tr>
            <th>Kind</th>
            <th>Status</th>
            <th>Candidate</th>
            <th>Incumbent</th>
            <th>Current step</th>
            <th>Verdict</th>
            <th>Started by</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.id}
              className={r.id === activeId ? styles.activeRow : undefined}
              data-testid="rollout-row"
              data-rollout-id={r.id}
              data-active={r.id === activeId ? 'true' : undefined}
            >
              <td>
                <Link href={`/rollouts/${encodeURIComponent(r.id)}`}>
                  {r.kind === 'AB' ? 'A/B test' : 'rollout'}
                </Link>
                {r.id === activeId && <span className="dim"> · active</span>}
              </td>
              <td>
                <RolloutStatusChip status={r.status} />
              </td>
              <td className="mono">{r.candidateLabel}</td>
              <td className="mono">{r.incumbentLabel}</td>
              <td className="mono">{currentStepLabel(r.currentStep, r.steps.length)}</td>
              <td className={r.evidence ? styles[`verdict-${r.evidence.verdict}`] : 'dim'}>
                {r.evidence ? `${VERDICT_LABELS[r.evidence.verdict]} (n = ${formatInt(r.evidence.n)})` : '—'}
              </td>
              <td>{r.createdBy}</td>
              <td className="mono">{formatDateTime(r.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
