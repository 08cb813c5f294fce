import type { RunStatus } from './operations';
import styles from './experiments.module.css';

export function RunStatusChip({ status }: { status: RunStatus }) {
  return (
    <span
      className={`${styles.chip} ${styles[`status-${status}`] ?? ''}`}
      data-testid="run-status"
      data-status={status}
    >
      {status}
    </span>
  );
}
