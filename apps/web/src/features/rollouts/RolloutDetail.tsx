import Link from 'next/link';
import type { ReactNode } from 'react';
import { formatDateTime } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { ArmComparison, EvidenceCard } from './ArmComparison';
import { AuditTrail } from './AuditTrail';
import { GuardsTable } from './GuardsTable';
import type { ModelVersionRef, RolloutDetail } from './operations';
import { RolloutActions } from './RolloutActions';
import { RolloutStatusChip } from './RolloutStatusChip';
import { currentStepLabel, formatPercentShare, isActiveStatus, STATUS_LABELS } from './rolloutFormat';
import { StepTimeline } from './StepTimeline';
import styles from './rollouts.module.css';

function Versions({ versions }: { versions: readonly ModelVersionRef[] }) {
  return (
    <>
      {versions.map((v, i) => (
        <span key={v.name}>
          {i > 0 && ', '}
          <Link
            href={`/models?${new URLSearchParams({ model: v.name, version: String(v.version) }).toString()}`}
          >
            {v.name} v{v.version}
          </Link>
        </span>
      ))}
    </>
  );
}

/** Why it waits for a person or how it ended, with the winner of an ended A/B test. */
function StatusBanner({ rollout }: { rollout: RolloutDetail }) {
  if (rollout.status === 'RUNNING') return null;
  const ended = !isActiveStatus(rollout.status);
  return (
    <div
      className={`${styles.banner} ${ended ? styles.bannerEnded : ''}`}
      role="status"
      data-testid="rollout-status-reason"
      data-status={rollout.status}
    >
      <strong>{STATUS_LABELS[rollout.status]}</strong>
      {rollout.endedAt && <span className="mono"> {formatDateTime(rollout.endedAt)}</span>}
      {rollout.winner && <span> · winner: {rollout.winner.toLowerCase()}</span>}
      {': '}
      {rollout.statusReason ?? (rollout.status === 'PAUSED' ? 'waits for a person.' : '—')}
    </div>
  );
}

/** One rollout: what it compares, where it stands, the evidence, the guards, the trail and the actions. */
export function RolloutDetailView(props: { rollout: RolloutDetail; live: ReactNode; onActed: () => void }) {
  const { rollout: r, live, onActed } = props;
  const current = r.steps[r.stepIndex];
  return (
    <div className={styles.page} data-testid="rollout-detail" data-rollout-id={r.id} data-status={r.status}>
      <Card
        title={
          <>
            <Link href="/rollouts">Rollouts</Link> · {r.kind === 'AB' ? 'A/B test' : 'rollout'}{' '}
            <span className={styles.titleMeta}>{r.id}</span>
          </>
        }
        actions={
          <>
            {live} <RolloutStatusChip status={r.status} />
          </>
        }
        testId="rollout-header"
      >
        <dl className={styles.facts}>
          <div>
            <dt>Candidate</dt>
            <dd className="mono" data-testid="rollout-candidate">
              {r.candidateLabel}
            </dd>
          </div>
          <div>
            <dt>Incumbent</dt>
            <dd className="mono" data-testid="rollout-incumbent">
              {r.incumbentLabel}
            </dd>
          </div>
          <div>
            <dt>Current step</dt>
            <dd className="mono" data-testid="rollout-current-step">
              {current ? currentStepLabel(current, r.steps.length) : `step ${r.stepIndex + 1}`}
            </dd>
          </div>
          <div>
            <dt>Canary share now</dt>
            <dd className="mono" data-testid="rollout-canary-percent">
              {formatPercentShare(r.canaryPercent)}
            </dd>
          </div>
          <div>
            <dt>Step started</dt>
            <dd className="mono">{formatDateTime(r.stepStartedAt)}</dd>
          </div>
          <div>
            <dt>Timeframe</dt>
            <dd className="mono">{r.timeframe}</dd>
          </div>
          <div>
            <dt>Started by</dt>
            <dd>
              {r.createdBy} <span className="mono dim">{formatDateTime(r.createdAt)}</span>
            </dd>
          </div>
          <div>
            <dt>Candidate versions</dt>
            <dd>
              <Versions versions={r.candidate} />
            </dd>
          </div>
          <div>
            <dt>Incumbent versions</dt>
            <dd>
              <Versions versions={r.incumbent} />
            </dd>
          </div>
          <div>
            <dt>Test</dt>
            <dd className="mono">
              α {r.analysis.alpha} · margin {r.analysis.marginBps} bp · min {r.analysis.minSamples}
            </dd>
          </div>
          <div>
            <dt>Why</dt>
            <dd>{r.reason}</dd>
          </div>
        </dl>
        <StatusBanner rollout={r} />
      </Card>
      <RolloutActions
        rolloutId={r.id}
        available={r.availableActions}
        active={isActiveStatus(r.status)}
        onActed={onActed}
      />
      <StepTimeline steps={r.steps} />
      <div className={styles.grid2}>
        <ArmComparison evidence={r.evidence} perArm={r.decisionsPerArm} />
        <EvidenceCard evidence={r.evidence} history={r.evidenceHistory} alpha={r.analysis.alpha} />
      </div>
      <GuardsTable guards={r.evidence?.guards ?? null} />
      <AuditTrail events={r.events} steps={r.steps} />
    </div>
  );
}
