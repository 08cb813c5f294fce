'use client';

import { useState } from 'react';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { RUN } from './operations';
import { RunCharts } from './RunCharts';
import { RunHeader } from './RunHeader';
import { RunModelVersions } from './RunModelVersions';
import { ArtifactsCard, LatestMetricsCard, ParamsCard } from './RunTables';
import { useRunLive } from './useRunLive';
import styles from './experiments.module.css';

const RUNNING_POLL_MS = 15_000;

/** `/experiments/runs/[id]`: one run, live while it is running. */
export function RunPage({ runId }: { runId: string }) {
  const [seriesToken, setSeriesToken] = useState(0);
  const [seenStatus, setSeenStatus] = useState<string | null>(null);
  // Polled while running so latest metrics and duration move too; the charts follow the subscription.
  const q = useQuery(RUN, { id: runId }, { pollMs: seenStatus === 'running' ? RUNNING_POLL_MS : undefined });
  const run = q.data?.run ?? null;
  const isRunning = run?.status === 'running';
  if (run && run.status !== seenStatus) {
    // The run just ended (seen by the subscription or a poll): load its stored series again.
    if (seenStatus === 'running') setSeriesToken((t) => t + 1);
    setSeenStatus(run.status);
  }

  const onStatus = q.reload;
  const live = useRunLive(
    run ? { id: run.id, experimentId: run.experimentId, running: isRunning } : null,
    seriesToken,
    onStatus,
  );

  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={q.reload} />;
  if (!q.data) return <Loading>Loading the run…</Loading>;
  if (!run) {
    return (
      <Card title="Run">
        <Empty>No run has the id {runId}.</Empty>
      </Card>
    );
  }

  const liveNote = isRunning
    ? live.error
      ? `live updates unavailable: ${live.error}`
      : 'running · live'
    : null;
  return (
    <div className={styles.page}>
      <RunHeader run={run} liveNote={liveNote} />
      <RunCharts key={run.id} run={run} live={live.points} reloadToken={seriesToken} />
      <div className={styles.grid2}>
        <ParamsCard run={run} />
        <LatestMetricsCard run={run} />
      </div>
      <div className={styles.grid2}>
        <ArtifactsCard artifacts={run.artifacts} />
        <RunModelVersions run={run} onRegistered={q.reload} />
      </div>
    </div>
  );
}
