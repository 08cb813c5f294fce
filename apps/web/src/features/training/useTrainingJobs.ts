'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { subscribe } from '@/shared/graphql/ws';
import { useQuery, type QueryState } from '@/shared/hooks/useGraphQL';
import { TRAINING_JOBS, TRAINING_PROGRESS, type TrainingJob, type TrainingProgress } from './operations';
import { latestProgress, TERMINAL_STAGES } from './trainingJobView';

export interface TrainingJobView {
  job: TrainingJob;
  /** The newest progress known: stored with the job or received live. */
  progress: TrainingProgress | null;
}

export interface TrainingJobsState {
  jobs: TrainingJobView[] | undefined;
  query: QueryState<{ trainingJobs: TrainingJob[] }>;
  /** Why live progress is not arriving, if it is not. */
  streamError: string | null;
}

/** While the stream is down, the list is read again this often. */
const FALLBACK_POLL_MS = 5_000;

/**
 * The recent training jobs, kept live by one `trainingProgress` subscription for all jobs. Progress
 * of a job not listed yet (started elsewhere) and the end of a job (state, registered version) make
 * the list be read again.
 */
export function useTrainingJobs(first = 20): TrainingJobsState {
  const [streamError, setStreamError] = useState<string | null>(null);
  const [live, setLive] = useState<ReadonlyMap<string, TrainingProgress>>(new Map());
  const query = useQuery(TRAINING_JOBS, { first }, { pollMs: streamError ? FALLBACK_POLL_MS : undefined });
  const { reload } = query;

  const listed = useRef<ReadonlySet<string>>(new Set());
  useEffect(() => {
    listed.current = new Set(query.data?.trainingJobs.map((j) => j.id) ?? []);
  }, [query.data]);

  useEffect(() => {
    // Several events can end or add jobs at once: one re-read for all of them.
    let reloadTimer: number | undefined;
    const reloadSoon = () => {
      window.clearTimeout(reloadTimer);
      reloadTimer = window.setTimeout(reload, 300);
    };
    const unsubscribe = subscribe(
      TRAINING_PROGRESS,
      {},
      {
        next: ({ trainingProgress: p }) => {
          setStreamError(null);
          setLive((prev) => new Map(prev).set(p.jobId, p));
          if (!listed.current.has(p.jobId) || TERMINAL_STAGES.has(p.stage)) reloadSoon();
        },
        error: (err) => setStreamError(err.message),
      },
    );
    return () => {
      window.clearTimeout(reloadTimer);
      unsubscribe();
    };
  }, [reload]);

  const jobs = useMemo(
    () =>
      query.data?.trainingJobs.map((job) => ({
        job,
        progress: latestProgress(job.progress, live.get(job.id)),
      })),
    [query.data, live],
  );

  return { jobs, query, streamError };
}
