import { Card } from '@/shared/ui/Card';
import { formatMs } from './decisionList';
import type { DecisionTimings } from './operations';
import styles from './decisions.module.css';

const STAGES = [
  { key: 'featuresMs', label: 'features' },
  { key: 'regimeMs', label: 'regime' },
  { key: 'modelsMs', label: 'models' },
  { key: 'riskMs', label: 'risk' },
] as const;

/** Server time of the decision by stage, as shares of the total (the rest: blending, bookkeeping). */
export function TimingsCard({ timings }: { timings: DecisionTimings }) {
  const total = timings.totalMs;
  const staged = STAGES.reduce((a, s) => a + timings[s.key], 0);
  const rows = [
    ...STAGES.map((s) => ({ label: s.label, ms: timings[s.key] })),
    { label: 'other', ms: Math.max(0, total - staged) },
  ];
  return (
    <Card
      title={
        <>
          Timings <span className={styles.titleMeta}>total {formatMs(total)}</span>
        </>
      }
      testId="decision-timings"
    >
      <div className={styles.stack} aria-hidden="true">
        {rows.map((r, i) => (
          <span
            key={r.label}
            className={styles[`stage-${i}`]}
            style={{ width: total > 0 ? `${(r.ms / total) * 100}%` : 0 }}
          />
        ))}
      </div>
      <dl className={styles.legend}>
        {rows.map((r, i) => (
          <div key={r.label}>
            <dt>
              <span className={`${styles.swatch} ${styles[`stage-${i}`]}`} aria-hidden="true" />
              {r.label}
            </dt>
            <dd className="mono">{formatMs(r.ms)}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
