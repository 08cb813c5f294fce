'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { request } from '@/shared/graphql/client';
import { subscribe } from '@/shared/graphql/ws';
import { formatInt, formatTimestamp } from '@/shared/format/format';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { ErrorState, Loading } from '@/shared/ui/States';
import {
  IMPORT_DATA,
  INGESTION_PROGRESS,
  INGESTION_RUNS,
  type IngestionProgress,
  type IngestionRun,
  type IngestionStatus,
} from './operations';
import styles from './data.module.css';

const TERMINAL: ReadonlySet<IngestionStatus> = new Set(['succeeded', 'failed']);

interface ActiveRun {
  id: string;
  status: IngestionStatus;
  progress: IngestionProgress | null;
  streamError: string | null;
}

/** Import a file/directory on the server, follow its progress live, list recent runs. (quant, admin) */
export function ImportCard(props: { onImported: () => void }) {
  const { onImported } = props;
  const [path, setPath] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [active, setActive] = useState<ActiveRun | null>(null);
  const runs = useQuery(INGESTION_RUNS, {});
  const reloadRuns = runs.reload;
  const onImportedRef = useRef(onImported);
  useEffect(() => {
    onImportedRef.current = onImported;
  }, [onImported]);

  const activeId = active?.id ?? null;
  useEffect(() => {
    if (!activeId) return;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      reloadRuns();
      onImportedRef.current();
    };
    const unsubscribe = subscribe(
      INGESTION_PROGRESS,
      { id: activeId },
      {
        next: ({ ingestionProgress: p }) => {
          if (p.runId !== activeId) return;
          setActive((a) =>
            a && a.id === activeId ? { ...a, status: p.status, progress: p, streamError: null } : a,
          );
          if (TERMINAL.has(p.status)) finish();
        },
        error: (err) => {
          setActive((a) => (a && a.id === activeId ? { ...a, streamError: err.message } : a));
          reloadRuns();
        },
        complete: () => finish(),
      },
    );
    return unsubscribe;
  }, [activeId, reloadRuns]);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const p = path.trim();
    if (!p) return;
    setSubmitting(true);
    setSubmitError(null);
    try {
      const { importData } = await request(IMPORT_DATA, { path: p });
      setActive({ id: importData.id, status: importData.status, progress: null, streamError: null });
      reloadRuns();
    } catch (err) {
      setSubmitError(err);
    } finally {
      setSubmitting(false);
    }
  }

  const running = active !== null && !TERMINAL.has(active.status);

  return (
    <Card title="Import data" testId="import-card">
      <form className={styles.importForm} onSubmit={onSubmit}>
        <label className="field-label" htmlFor="import-path">
          Path on the server (file or directory)
        </label>
        <div className={styles.importRow}>
          <input
            id="import-path"
            name="path"
            className="input mono"
            placeholder="/data/raw/daily"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
          <button type="submit" className="btn btn-primary" disabled={submitting || running || !path.trim()}>
            {submitting ? 'Queuing…' : 'Import'}
          </button>
        </div>
      </form>
      {submitError != null && <ErrorState error={submitError} compact />}
      {active && <RunProgress run={active} />}

      <div className={styles.runsHeader}>
        <span>Recent runs</span>
        <button type="button" className="btn btn-sm" onClick={runs.reload} disabled={runs.loading}>
          Refresh
        </button>
      </div>
      {runs.error ? (
        <ErrorState error={runs.error} onRetry={runs.reload} compact />
      ) : !runs.data ? (
        <Loading>Loading runs…</Loading>
      ) : runs.data.ingestionRuns.length === 0 ? (
        <div className="dim">No ingestion runs yet.</div>
      ) : (
        <RunsTable runs={runs.data.ingestionRuns} />
      )}
    </Card>
  );
}

function RunProgress({ run }: { run: ActiveRun }) {
  const p = run.progress;
  const pct = p && p.filesTotal > 0 ? Math.min(100, (p.filesDone / p.filesTotal) * 100) : null;
  const status = p?.status ?? run.status;
  return (
    <div
      className={styles.runProgress}
      data-testid="import-progress"
      data-status={status}
      data-run-id={run.id}
    >
      <div className={styles.runProgressHead}>
        <span className={`badge badge-${status}`}>{status}</span>
        <span className="mono dim">run {run.id}</span>
        {p && (
          <span className="mono">
            {formatInt(p.filesDone)} / {formatInt(p.filesTotal)} files
          </span>
        )}
      </div>
      <div
        className={`${styles.progress} ${pct === null && !TERMINAL.has(status) ? styles.progressIndeterminate : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
      >
        <div
          className={`${styles.progressFill} ${status === 'failed' ? styles.progressFailed : ''}`}
          style={{ width: `${pct ?? (TERMINAL.has(status) ? 100 : 0)}%` }}
        />
      </div>
      {p?.file && <div className={`mono dim ${styles.ellipsis}`}>{p.file}</div>}
      {p && (
        <div className={styles.counts}>
          <span>read {formatInt(p.rowsRead)}</span>
          <span>inserted {formatInt(p.rowsInserted)}</span>
          <span>updated {formatInt(p.rowsUpdated)}</span>
          <span className={p.rowsRejected > 0 ? styles.rejected : undefined}>
            rejected {formatInt(p.rowsRejected)}
          </span>
        </div>
      )}
      {p?.message && <div className={styles.runMessage}>{p.message}</div>}
      {!p && !run.streamError && <div className="dim">Waiting for progress…</div>}
      {run.streamError && (
        <div className={styles.runMessage}>Live progress unavailable: {run.streamError}</div>
      )}
    </div>
  );
}

function RunsTable({ runs }: { runs: IngestionRun[] }) {
  return (
    <div className={styles.tableScroll}>
      <table className="table" data-testid="ingestion-runs">
        <thead>
          <tr>
            <th>Status</th>
            <th>Source · created</th>
            <th className="num">Read</th>
            <th className="num">Ins</th>
            <th className="num">Upd</th>
            <th className="num">Rej</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <RunRows key={r.id} run={r} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RunRows({ run }: { run: IngestionRun }) {
  const firstRejects = run.rejects.slice(0, 3);
  const details = run.error || firstRejects.length > 0;
  return (
    <>
      <tr data-testid={`ingestion-run-${run.id}`}>
        <td>
          <span className={`badge badge-${run.status}`}>{run.status}</span>
        </td>
        <td className={styles.sourceCell} title={`${run.source}\ncreated ${formatTimestamp(run.createdAt)}`}>
          <div className={`mono ${styles.ellipsis}`}>{run.source}</div>
          <div className={styles.createdAt}>{formatTimestamp(run.createdAt)}</div>
        </td>
        <td className="num">{formatInt(run.rowsRead)}</td>
        <td className="num">{formatInt(run.rowsInserted)}</td>
        <td className="num">{formatInt(run.rowsUpdated)}</td>
        <td className={`num ${run.rowsRejected > 0 ? styles.rejected : ''}`}>
          {formatInt(run.rowsRejected)}
        </td>
      </tr>
      {details && (
        <tr className={styles.detailRow}>
          <td colSpan={6}>
            {run.error && <div className={styles.runError}>{run.error}</div>}
            {firstRejects.map((rej, i) => (
              <div key={i} className={styles.reject}>
                <span className="mono">
                  {rej.file}:{rej.line}
                </span>{' '}
                {rej.reason}
              </div>
            ))}
            {run.rejects.length > firstRejects.length && (
              <div className="dim">+{formatInt(run.rejects.length - firstRejects.length)} more rejects</div>
            )}
          </td>
        </tr>
      )}
    </>
  );
}
