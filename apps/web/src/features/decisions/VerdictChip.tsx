import type { RiskVerdict } from './operations';
import styles from './decisions.module.css';

/** The risk check's verdict: approve (green), resize (amber), reject (red). */
export function VerdictChip({ verdict }: { verdict: RiskVerdict }) {
  return (
    <span
      className={`${styles.verdict} ${styles[`verdict-${verdict}`] ?? ''}`}
      data-testid="verdict-chip"
      data-verdict={verdict}
    >
      {verdict}
    </span>
  );
}
