import Link from 'next/link';
import { formatDuration, formatTimestamp } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { RunDetail, RunLink } from './operations';
import { RunStatusChip } from './RunStatusChip';
import styles from './experiments.module.css';

function RunLinkItem({ run }: { run: RunLink }) {
  return (
    <span className={styles.runHead}>
      <Link href={`/experiments/runs/${encodeURIComponent(run.id)}`}>{run.name}</Link>
      <RunStatusChip status={run.status} />
    </span>
  );
}

/** Status, timing, owner, source commit and lineage (parent and child runs) of a run. */
export function RunHeader({ run, liveNote }: { run: RunDetail; liveNote: string | null }) {
  return (
    <Card
      title={
        <>
          Run{' '}
          <span className={styles.titleMeta}>
            <Link href={`/experiments?${new URLSearchParams({ experiment: run.experimentId }).toString()}`}>
              {run.experimentName}
            </Link>
          </span>
        </>
      }
      actions={liveNote ? <span className="dim">{liveNote}</span> : undefined}
      testId="run-header"
    >
      <h1 className={styles.heading}>
        <span className="mono">{run.name}</span> <RunStatusChip status={run.status} />
      </h1>
      <dl className={styles.facts} style={{ marginTop: 10 }}>
        <div>
          <dt>Started</dt>
          <dd className="mono">{formatTimestamp(run.startedAt)}</dd>
        </div>
        <div>
          <dt>Ended</dt>
          <dd className="mono">{run.endedAt ? formatTimestamp(run.endedAt) : 'still running'}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd className="mono">{formatDuration(run.durationSeconds)}</dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>{run.owner}</dd>
        </div>
        <div>
          <dt>Source commit</dt>
          <dd className="mono" title={run.sourceCommit ?? undefined}>
            {run.sourceCommit ? run.sourceCommit.slice(0, 12) : '—'}
          </dd>
        </div>
        <div>
          <dt>Parent run</dt>
          <dd>{run.parent ? <RunLinkItem run={run.parent} /> : '—'}</dd>
        </div>
        <div>
          <dt>Child runs</dt>
          <dd className={styles.links}>
            {run.children.length === 0 ? '—' : run.children.map((c) => <RunLinkItem key={c.id} run={c} />)}
          </dd>
        </div>
        <div>
          <dt>Run id</dt>
          <dd className="mono" title={run.id}>
            {run.id}
          </dd>
        </div>
      </dl>
      {run.failureReason && <div className={styles.failure}>{run.failureReason}</div>}
    </Card>
  );
}
