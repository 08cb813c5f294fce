'use client';

import { useState } from 'react';
import Link from 'next/link';
import { request } from '@/shared/graphql/client';
import { formatNumber, formatTimestamp } from '@/shared/format/format';
import { ErrorState, Loading } from '@/shared/ui/States';
import { CANCEL_TRAINING } from './operations';
import {
  displayState,
  isCancellable,
  isRunning,
  metricEntries,
  modelVersionHref,
  percent,
  registeredVersions,
} from './trainingJobView';
import type { TrainingJobsState, TrainingJobView } from './useTrainingJobs';
import styles from './training.module.css';

/** The recent training jobs with their live progress; `canCancel` for quant/admin. */
export function TrainingJobsList(props: { state: TrainingJobsState; canCancel: boolean }) {
  const { jobs, query, streamError } = props.state;
  const running = jobs?.filter((j) => isRunning(j.job, j.progress)).length ?? 0;

  return (
    <section aria-labelledby="training-jobs-title">
      <div className={styles.listHead}>
        <span id="training-jobs-title">Recent training jobs</span>
        {running > 0 && <span className="mono">{running} running</span>}
        <button
          type="button"
          className={`btn btn-sm ${styles.push}`}
          onClick={query.reload}
          disabled={query.loading}
        >
          Refresh
        </button>
      </div>
      {streamError && (
        <div className={styles.message} role="status">
          Live progress unavailable ({streamError}); reading the list every few seconds.
        </div>
      )}
      {query.error && !jobs ? (
        <ErrorState error={query.error} onRetry={query.reload} compact />
      ) : !jobs ? (
        <Loading>Loading training jobs…</Loading>
      ) : jobs.length === 0 ? (
        <div className="dim">No training jobs yet.</div>
      ) : (
        <ul className={styles.jobs} data-testid="training-jobs" aria-label="Training jobs">
          {jobs.map((j) => (
            <JobItem key={j.job.id} view={j} canCancel={props.canCancel} onChanged={query.reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

function JobItem(props: { view: TrainingJobView; canCancel: boolean; onChanged: () => void }) {
  const { job, progress } = props.view;
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>(null);
  const state = displayState(job, progress);
  const pct = percent(progress?.fraction ?? (state === 'completed' ? 1 : null));
  const metrics = metricEntries(progress?.metrics);
  const runId = job.runId ?? progress?.runId ?? null;
  const ended = state === 'completed' || state === 'failed' || state === 'cancelled';
  const versions = state === 'completed' ? registeredVersions(job) : [];

  const cancel = async () => {
    setCancelling(true);
    setCancelError(null);
    try {
      await request(CANCEL_TRAINING, { id: job.id });
      props.onChanged();
    } catch (err) {
      setCancelError(err);
    } finally {
      setCancelling(false);
    }
  };

  return (
    <li
      className={styles.job}
      data-testid="training-job"
      data-job-id={job.id}
      data-state={state}
      data-stage={progress?.stage ?? ''}
      aria-label={`Training job ${job.id}`}
    >
      <div className={styles.jobHead}>
        <span className={`${styles.chip} ${styles[`state-${state}`] ?? ''}`} data-testid="training-job-state">
          {state}
        </span>
        <span className="mono dim">job {job.id}</span>
        {progress && (
          <span className="mono" data-testid="training-job-stage">
            {progress.stage}
            {progress.epoch != null && ` · epoch ${progress.epoch}`}
          </span>
        )}
        {props.canCancel && isCancellable(job, progress) && (
          <button
            type="button"
            className={`btn btn-sm ${styles.push}`}
            onClick={cancel}
            disabled={cancelling}
            aria-label={`Cancel training job ${job.id}`}
          >
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
      <div
        className={styles.progress}
        role="progressbar"
        aria-label={`Progress of training job ${job.id}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-valuetext={pct != null ? `${pct}%${progress ? ` (${progress.stage})` : ''}` : undefined}
      >
        <div
          className={`${styles.progressFill} ${
            state === 'failed' || state === 'cancelled'
              ? styles.progressFailed
              : state === 'completed'
                ? styles.progressDone
                : ''
          }`}
          style={{ width: `${pct ?? 0}%` }}
        />
      </div>
      {metrics.length > 0 && (
        <dl
          className={styles.metrics}
          aria-label="Latest training metrics"
          data-testid="training-job-metrics"
        >
          {metrics.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{formatNumber(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      {progress?.message && <div className={styles.message}>{progress.message}</div>}
      {job.failedReason && state !== 'completed' && <div className={styles.failed}>{job.failedReason}</div>}
      {(runId || (versions.length > 0 && ended)) && (
        <div className={styles.links}>
          {runId && <Link href={`/experiments/runs/${encodeURIComponent(runId)}`}>Tracking run</Link>}
          {versions.length > 0 && (
            <span className="dim">Registered{job.modelSet ? ` (${job.modelSet})` : ''}:</span>
          )}
          {versions.map((v) => (
            <Link key={v.modelName} href={modelVersionHref(v.modelName, v.version)}>
              {v.modelName}
              {v.version != null ? ` v${v.version}` : ''}
            </Link>
          ))}
          {progress && <span className="dim">updated {formatTimestamp(progress.at)}</span>}
        </div>
      )}
      {cancelError !== null && <ErrorState error={cancelError} compact />}
    </li>
  );
}
