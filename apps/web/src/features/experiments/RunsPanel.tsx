'use client';

import { useEffect, useMemo, useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { formatDateTime, formatDuration, formatInt, formatNumber } from '@/shared/format/format';
import { subscribe } from '@/shared/graphql/ws';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { RUN_STATUS_CHANGED, type Experiment, type RunRow, type RunSort } from './operations';
import { NO_FILTER, RunFilters, toRunFilter, type RunFilterText } from './RunFilters';
import { RunStatusChip } from './RunStatusChip';
import { latestOf, paramText } from './runValues';
import { useRunList } from './useRunList';
import styles from './experiments.module.css';

const MAX_PARAM_COLUMNS = 6;
const MAX_METRIC_COLUMNS = 12;
const MIN_COMPARE = 2;
const MAX_COMPARE = 10;
const RUNNING_POLL_MS = 10_000;

/** Params worth a column: those that differ between the runs shown (else the first few). */
function paramColumns(rows: readonly RunRow[]): string[] {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort((a, b) => a.localeCompare(b));
  const differing = keys.filter((k) => new Set(rows.map((r) => paramText(r.params[k]))).size > 1);
  return (differing.length > 0 ? differing : keys).slice(0, MAX_PARAM_COLUMNS);
}

function metricColumns(rows: readonly RunRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.latestMetrics.map((m) => m.key)))]
    .sort((a, b) => a.localeCompare(b))
    .slice(0, MAX_METRIC_COLUMNS);
}

function SortHeader(props: {
  label: string;
  sort: RunSort;
  field: RunSort['field'];
  metricKey?: string;
  numeric?: boolean;
  onSort: (sort: RunSort) => void;
}) {
  const { label, sort, field, metricKey, numeric, onSort } = props;
  const active = sort.field === field && (field !== 'metric' || sort.metricKey === metricKey);
  const next: RunSort = {
    field,
    // A new column starts with the order people want first: newest, best metric, A→Z.
    direction: active ? (sort.direction === 'asc' ? 'desc' : 'asc') : field === 'name' ? 'asc' : 'desc',
    ...(metricKey ? { metricKey } : {}),
  };
  return (
    <th
      className={numeric ? 'num' : undefined}
      aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button type="button" className={styles.sortButton} onClick={() => onSort(next)}>
        {label}
        {active ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
}

/** Reloads the runs whenever one of the experiment's runs starts or ends. */
function useExperimentStatus(experimentId: string, onChange: () => void): string | null {
  const [error, setError] = useState<string | null>(null);
  useEffect(
    () =>
      subscribe(
        RUN_STATUS_CHANGED,
        { experimentId },
        { next: () => onChange(), error: (err) => setError(err.message) },
      ),
    [experimentId, onChange],
  );
  return error;
}

/** The runs of one experiment: filters, sortable columns, "Load more", and a pick of runs to compare. */
export function RunsPanel({ experiment }: { experiment: Experiment }) {
  const router = useRouter();
  const [filterText, setFilterText] = useState<RunFilterText>(NO_FILTER);
  const [sort, setSort] = useState<RunSort>({ field: 'startedAt', direction: 'desc' });
  const [picked, setPicked] = useState<string[]>([]);

  const filter = useMemo(() => {
    const parsed = toRunFilter(experiment.id, filterText);
    return 'filter' in parsed ? parsed.filter : { experimentId: experiment.id };
  }, [experiment.id, filterText]);
  const [anyRunning, setAnyRunning] = useState(false);
  const list = useRunList(filter, sort, { pollMs: anyRunning ? RUNNING_POLL_MS : undefined });
  const running = list.rows.some((r) => r.status === 'running');
  useEffect(() => setAnyRunning(running), [running]);
  const liveError = useExperimentStatus(experiment.id, list.reload);

  const params = useMemo(() => paramColumns(list.rows), [list.rows]);
  const metrics = useMemo(() => metricColumns(list.rows), [list.rows]);

  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : p.length >= MAX_COMPARE ? p : [...p, id]));
  const canCompare = picked.length >= MIN_COMPARE && picked.length <= MAX_COMPARE;
  const compare = () =>
    router.push(`/experiments/compare?${new URLSearchParams({ runs: picked.join(',') }).toString()}`);

  let body;
  if (list.error && list.rows.length === 0) {
    body = (
      <div className={styles.pad}>
        <ErrorState error={list.error} onRetry={list.reload} />
      </div>
    );
  } else if (list.loading) {
    body = (
      <div className={styles.pad}>
        <Loading>Loading runs…</Loading>
      </div>
    );
  } else if (list.rows.length === 0) {
    body = (
      <div className={styles.pad}>
        <Empty>
          {Object.keys(filter).length === 1
            ? 'This experiment has no runs yet.'
            : 'No run matches these filters.'}
        </Empty>
      </div>
    );
  } else {
    body = (
      <div className={styles.tableScroll}>
        <table className="table" aria-label="Runs" data-testid="runs-table" data-count={list.rows.length}>
          <thead>
            <tr>
              <th>
                <span className={styles.srOnly}>Compare</span>
              </th>
              <SortHeader label="Status" field="status" sort={sort} onSort={setSort} />
              <SortHeader label="Name" field="name" sort={sort} onSort={setSort} />
              <SortHeader label="Started" field="startedAt" sort={sort} onSort={setSort} />
              <th className="num">Duration</th>
              <th>Owner</th>
              {params.map((k) => (
                <th key={`p:${k}`} className={styles.groupHead} title={`param ${k}`}>
                  {k}
                </th>
              ))}
              {metrics.map((k) => (
                <SortHeader
                  key={`m:${k}`}
                  label={k}
                  field="metric"
                  metricKey={k}
                  numeric
                  sort={sort}
                  onSort={setSort}
                />
              ))}
            </tr>
          </thead>
          <tbody>
            {list.rows.map((r) => (
              <tr key={r.id} data-testid="run-row" data-run-id={r.id} data-run-name={r.name}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${r.name} for comparison`}
                    checked={picked.includes(r.id)}
                    disabled={!picked.includes(r.id) && picked.length >= MAX_COMPARE}
                    onChange={() => toggle(r.id)}
                  />
                </td>
                <td>
                  <RunStatusChip status={r.status} />
                </td>
                <td className={styles.cellClip}>
                  <Link href={`/experiments/runs/${encodeURIComponent(r.id)}`}>{r.name}</Link>
                </td>
                <td className="mono">{formatDateTime(r.startedAt)}</td>
                <td className="num">{formatDuration(r.durationSeconds)}</td>
                <td className={styles.cellClip}>{r.owner}</td>
                {params.map((k) => (
                  <td key={`p:${k}`} className={`mono ${styles.cellClip}`}>
                    {paramText(r.params[k])}
                  </td>
                ))}
                {metrics.map((k) => (
                  <td key={`m:${k}`} className="num" data-metric={k}>
                    {formatNumber(latestOf(r.latestMetrics, k))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  return (
    <Card
      title={
        <>
          Runs · <span className="mono">{experiment.name}</span>
          {list.totalCount !== null && <span className={styles.titleMeta}>{formatInt(list.totalCount)}</span>}
        </>
      }
      actions={
        <span className="dim" title={liveError ?? 'Subscribed to runStatusChanged'}>
          <span className={`dot ${liveError ? 'dot-down' : 'dot-up'}`} aria-hidden="true" />{' '}
          {liveError ? 'live updates unavailable' : 'live'}
        </span>
      }
      bodyClassName={styles.flushBody}
      testId="runs-panel"
    >
      <RunFilters experimentId={experiment.id} onApply={setFilterText} />
      <div className={styles.toolbar}>
        <span>
          {list.totalCount === null
            ? ''
            : `${formatInt(list.rows.length)} of ${formatInt(list.totalCount)} runs shown`}
        </span>
        <span>
          {picked.length > 0
            ? `${picked.length} selected`
            : `Pick ${MIN_COMPARE}–${MAX_COMPARE} runs to compare`}
        </span>
        <button type="button" className="btn btn-primary btn-sm" disabled={!canCompare} onClick={compare}>
          Compare
        </button>
      </div>
      {body}
      {list.rows.length > 0 && (list.hasMore || list.error) && (
        <div className={styles.pagerRow}>
          {list.hasMore && (
            <button type="button" className="btn btn-sm" onClick={list.loadMore} disabled={list.loadingMore}>
              {list.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          )}
          {list.error && <ErrorState error={list.error} compact />}
        </div>
      )}
    </Card>
  );
}
