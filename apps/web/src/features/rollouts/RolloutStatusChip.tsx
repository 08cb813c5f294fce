import type { RolloutStatus } from './operations';
import { STATUS_LABELS } from './rolloutFormat';
import styles from './rollouts.module.css';

export function RolloutStatusChip({ status }: { status: RolloutStatus }) {
  return (
    <span
      className={`${styles.status} ${styles[`status-${status}`] ?? ''}`}
      data-testid="rollout-status"
      data-status={status}
    >
      {STATUS_LABELS[status]}
    </span>
  );
}
