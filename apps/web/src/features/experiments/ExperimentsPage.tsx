'use client';

import { useCallback, useState } from 'react';
import { useSearchParams } from 'next/navigation';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { TrainPanel } from '@/features/training';
import { ExperimentsList } from './ExperimentsList';
import { EXPERIMENT, type Experiment } from './operations';
import { RunsPanel } from './RunsPanel';
import styles from './experiments.module.css';

/** `/experiments[?experiment=<id>]`: the experiments, and the runs of the selected one (else the first listed). */
export function ExperimentsPage() {
  const params = useSearchParams();
  const requested = params.get('experiment');
  const [firstListed, setFirstListed] = useState<Experiment | null>(null);
  const onLoaded = useCallback((first: Experiment | null) => setFirstListed((prev) => prev ?? first), []);

  const q = useQuery(EXPERIMENT, requested ? { id: requested } : null);
  const selected = requested ? (q.data?.experiment ?? null) : firstListed;

  let runs;
  if (requested && q.error) runs = <ErrorState error={q.error} onRetry={q.reload} />;
  else if (requested && !q.data) runs = <Loading>Loading the experiment…</Loading>;
  else if (requested && !selected) {
    runs = (
      <Card title="Runs">
        <Empty>No experiment has the id {requested}.</Empty>
      </Card>
    );
  } else if (selected) runs = <RunsPanel key={selected.id} experiment={selected} />;
  else runs = null;

  return (
    <div className={styles.page}>
      <ExperimentsList selectedId={selected?.id ?? null} onLoaded={onLoaded} />
      {runs}
      <TrainPanel />
    </div>
  );
}
