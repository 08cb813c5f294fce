import { formatPercent } from '@/shared/format/format';
import styles from './decisions.module.css';

const ORDER = ['bull', 'sideways', 'bear'] as const;

/** P(bull), P(sideways), P(bear) as one stacked bar, in the regime colours. */
export function RegimeBar({ regime }: { regime: Record<(typeof ORDER)[number], number> }) {
  return (
    <div className={styles.regime} data-testid="decision-regime">
      <div className={styles.stack} aria-hidden="true">
        {ORDER.map((r) => (
          <span
            key={r}
            className={styles[`regime-${r}`]}
            style={{ width: `${Math.max(0, regime[r]) * 100}%` }}
          />
        ))}
      </div>
      <dl className={styles.legend}>
        {ORDER.map((r) => (
          <div key={r}>
            <dt>
              <span className={`${styles.swatch} ${styles[`regime-${r}`]}`} aria-hidden="true" />
              {r}
            </dt>
            <dd className="mono">{formatPercent(regime[r], 1)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
