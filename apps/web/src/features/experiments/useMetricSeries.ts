'use client';

import { useMemo, useState } from 'react';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { METRIC_SERIES_BATCH, type MetricSeries, type SeriesRequest } from './operations';

export interface MetricSeriesState {
  /** `${runId}\u0000${key}` → series, once loaded. */
  series: Map<string, MetricSeries> | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

const NONE = new Map<string, MetricSeries>();

export const seriesKey = (runId: string, key: string) => `${runId}\u0000${key}`;

/** Loads the downsampled series of every (run, key) asked for in one request. */
export function useMetricSeries(requests: readonly SeriesRequest[], maxPoints: number): MetricSeriesState {
  const vars = useMemo(
    () =>
      requests.length === 0
        ? null
        : { series: requests.map(({ runId, key }) => ({ runId, key })), maxPoints },
    [requests, maxPoints],
  );
  const q = useQuery(METRIC_SERIES_BATCH, vars);
  const loaded = useMemo(() => {
    if (!q.data) return undefined;
    const out = new Map<string, MetricSeries>();
    for (const s of q.data.metricSeriesBatch) out.set(seriesKey(s.runId, s.key), s);
    return out;
  }, [q.data]);
  // While a changed request (a run overlaid or removed) loads, the charts keep what they show.
  const [kept, setKept] = useState(loaded);
  if (loaded && loaded !== kept) setKept(loaded);
  return {
    series: requests.length === 0 ? NONE : (loaded ?? kept),
    error: q.error,
    loading: q.loading,
    reload: q.reload,
  };
}
