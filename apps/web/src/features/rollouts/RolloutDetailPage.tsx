'use client';

import { useEffect } from 'react';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { LiveState } from './LiveState';
import { ROLLOUT } from './operations';
import { RolloutDetailView } from './RolloutDetail';
import { FALLBACK_POLL_MS, useRolloutChanges } from './useRolloutChanges';

/** `/rollouts/[id]`: one rollout, read again on each `rolloutChanged` of it. */
export function RolloutDetailPage({ id }: { id: string }) {
  const live = useRolloutChanges(id);
  const q = useQuery(ROLLOUT, { id }, { pollMs: live.streamError ? FALLBACK_POLL_MS : undefined });
  const { reload } = q;
  useEffect(() => {
    if (live.changes > 0) reload();
  }, [live.changes, reload]);

  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={q.reload} />;
  if (!q.data) return <Loading>Loading rollout…</Loading>;
  const rollout = q.data.rollout;
  if (!rollout)
    return (
      <Card title="Rollout" testId="rollout-not-found">
        <Empty>No rollout has the id {id}.</Empty>
      </Card>
    );
  return <RolloutDetailView rollout={rollout} live={<LiveState live={live} />} onActed={reload} />;
}
