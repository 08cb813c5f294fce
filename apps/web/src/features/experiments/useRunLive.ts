'use client';

import { useEffect, useRef, useState } from 'react';
import { subscribe } from '@/shared/graphql/ws';
import { RUN_METRICS_ADDED, RUN_STATUS_CHANGED, type RunStatusUpdate, type SeriesPoint } from './operations';

export interface RunLiveState {
  /** Points received since the subscription started (or since `since` changed), per metric key. */
  points: ReadonlyMap<string, readonly SeriesPoint[]>;
  /** Why the live stream is not running, if it is not. */
  error: string | null;
}

const NONE: RunLiveState = { points: new Map(), error: null };

/**
 * While a run is running: its new metric points (`runMetricsAdded`) and its status changes
 * (`runStatusChanged` of its experiment, filtered to the run). `since` is a token the caller bumps
 * after reloading the stored series, which then include what was received so far.
 */
export function useRunLive(
  run: { id: string; experimentId: string; running: boolean } | null,
  since: number,
  onStatus: (update: RunStatusUpdate) => void,
): RunLiveState {
  const [state, setState] = useState<{ key: string; live: RunLiveState }>({ key: '', live: NONE });
  const onStatusRef = useRef(onStatus);
  useEffect(() => {
    onStatusRef.current = onStatus;
  }, [onStatus]);

  const runId = run?.running ? run.id : null;
  const experimentId = run?.running ? run.experimentId : null;
  const key = runId ? `${runId}|${since}` : '';

  useEffect(() => {
    if (!runId || !experimentId) return;
    setState({ key, live: NONE });
    const fail = (err: Error) => setState((s) => ({ key, live: { ...s.live, error: err.message } }));
    const stopMetrics = subscribe(
      RUN_METRICS_ADDED,
      { runId },
      {
        next: ({ runMetricsAdded }) =>
          setState((s) => {
            const points = new Map(s.key === key ? s.live.points : []);
            for (const p of runMetricsAdded.points) {
              points.set(p.key, [...(points.get(p.key) ?? []), { step: p.step, value: p.value }]);
            }
            return { key, live: { points, error: null } };
          }),
        error: fail,
      },
    );
    const stopStatus = subscribe(
      RUN_STATUS_CHANGED,
      { experimentId },
      {
        next: ({ runStatusChanged }) => {
          if (runStatusChanged.runId === runId) onStatusRef.current(runStatusChanged);
        },
        error: fail,
      },
    );
    return () => {
      stopMetrics();
      stopStatus();
    };
  }, [key, runId, experimentId]);

  return state.key === key && key !== '' ? state.live : NONE;
}
