import { formatDateTime, formatInt } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { RolloutStep } from './operations';
import { formatMinutes, formatStep } from './rolloutFormat';
import styles from './rollouts.module.css';

const STATE_LABELS: Record<RolloutStep['state'], string> = {
  DONE: 'done',
  CURRENT: 'current',
  PENDING: 'pending',
  SKIPPED: 'never reached',
};

/** The plan's steps with their share, stage, limits, state and when each began and ended. */
export function StepTimeline({ steps }: { steps: readonly RolloutStep[] }) {
  return (
    <Card title="Steps" bodyClassName={styles.flushBody} testId="rollout-steps">
      <div className={styles.tableScroll}>
        <table className="table" aria-label="Steps">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Step</th>
              <th>Stage</th>
              <th className="num">Min decisions</th>
              <th className="num">Max duration</th>
              <th>State</th>
              <th>Started</th>
              <th>Ended</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <tr
                key={s.index}
                className={
                  s.state === 'CURRENT'
                    ? styles.stepCurrent
                    : s.state === 'SKIPPED'
                      ? styles.stepSkipped
                      : undefined
                }
                data-testid="rollout-step"
                data-index={s.index}
                data-state={s.state}
              >
                <td className="num">{s.index + 1}</td>
                <td className="mono">{formatStep(s)}</td>
                <td className="mono">{s.stage.toLowerCase()}</td>
                <td className="num">{formatInt(s.minDecisions)}</td>
                <td className="num">{formatMinutes(s.maxDurationMinutes)}</td>
                <td>{STATE_LABELS[s.state]}</td>
                <td className="mono">{formatDateTime(s.startedAt)}</td>
                <td className="mono">{formatDateTime(s.endedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
