import { formatTimestamp } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { Empty } from '@/shared/ui/States';
import type { RolloutEvent, RolloutStep } from './operations';
import { ACTION_LABELS, formatStep, STATUS_LABELS } from './rolloutFormat';
import styles from './rollouts.module.css';

function stepName(steps: readonly RolloutStep[], index: number | null): string {
  if (index === null) return '—';
  const step = steps[index];
  return step ? formatStep(step) : `step ${index + 1}`;
}

/** Every action on the rollout, automatic or manual, oldest first: who, when, what, from → to, why. */
export function AuditTrail({
  events,
  steps,
}: {
  events: readonly RolloutEvent[];
  steps: readonly RolloutStep[];
}) {
  return (
    <Card title="Audit trail" bodyClassName={styles.flushBody} testId="rollout-audit">
      {events.length === 0 ? (
        <div className={styles.pad}>
          <Empty>No action is recorded.</Empty>
        </div>
      ) : (
        <div className={styles.tableScroll}>
          <table className="table" aria-label="Audit trail">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Step</th>
                <th>Status</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} data-testid="rollout-event" data-action={e.action} data-actor={e.actor}>
                  <td className="mono">{formatTimestamp(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>{ACTION_LABELS[e.action]}</td>
                  <td className="mono">
                    {e.fromStep === e.toStep
                      ? stepName(steps, e.toStep)
                      : `${stepName(steps, e.fromStep)} → ${stepName(steps, e.toStep)}`}
                  </td>
                  <td className="mono">
                    {e.fromStatus && e.fromStatus !== e.toStatus
                      ? `${STATUS_LABELS[e.fromStatus]} → ${STATUS_LABELS[e.toStatus]}`
                      : STATUS_LABELS[e.toStatus]}
                  </td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
