import { formatDateTime, formatNumber, formatPercent } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { DecisionTarget } from './operations';
import { SpecialistChart } from './SpecialistChart';
import styles from './decisions.module.css';

/** One symbol of a decision: weights before and after the risk check, the blend, the features. */
export function TargetCard({ target }: { target: DecisionTarget }) {
  const t = target;
  return (
    <Card
      title={
        <>
          <span className={styles.symbol}>{t.symbol}</span>
          <span className={styles.titleMeta}>features as of {formatDateTime(t.barTime)}</span>
        </>
      }
      testId={`decision-target-${t.symbol}`}
    >
      <dl className={styles.facts} data-testid="target-weights">
        <div>
          <dt>Current weight</dt>
          <dd className="mono">{formatPercent(t.currentWeight, 2)}</dd>
        </div>
        <div>
          <dt>Proposed (models)</dt>
          <dd className="mono">{formatPercent(t.proposedWeight, 2)}</dd>
        </div>
        <div>
          <dt>Target (after risk)</dt>
          <dd className={`mono ${t.targetWeight !== t.proposedWeight ? styles.changed : ''}`}>
            {formatPercent(t.targetWeight, 2)}
          </dd>
        </div>
        <div>
          <dt>Blended signal</dt>
          <dd className="mono">{formatNumber(t.blendedSignal)}</dd>
        </div>
      </dl>
      {t.weightsNormalised && (
        <p className={styles.warn}>
          The meta-controller&apos;s weights were invalid and had to be normalised.
        </p>
      )}
      <SpecialistChart specialists={t.specialists} blendedSignal={t.blendedSignal} />
      <h3 className={styles.subTitle}>Features</h3>
      <dl className={styles.features} data-testid="target-features">
        {t.features.map((f) => (
          <div key={f.name}>
            <dt className="mono">{f.name}</dt>
            <dd className="mono">{formatNumber(f.value)}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
