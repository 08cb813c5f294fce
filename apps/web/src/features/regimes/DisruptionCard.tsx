import { formatInt, formatPercent } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { RegimeDisruption } from './operations';
import styles from './regimes.module.css';

function TurnoverBar(props: { label: string; value: number; max: number; color: string }) {
  const width = props.max > 0 ? Math.min(100, (props.value / props.max) * 100) : 0;
  return (
    <div className={styles.turnoverRow}>
      <span className={styles.turnoverLabel}>{props.label}</span>
      <div className={styles.turnoverTrack}>
        <div className={styles.turnoverFill} style={{ width: `${width}%`, background: props.color }} />
      </div>
      <span className="num">{formatPercent(props.value, 1)}</span>
    </div>
  );
}

export function DisruptionCard({ disruption }: { disruption: RegimeDisruption }) {
  const max = Math.max(disruption.hardSwitch, disruption.blended);
  return (
    <Card title="Disruption" testId="regime-disruption">
      <div className={styles.bigStat}>
        <span className={styles.bigValue}>{formatInt(disruption.transitions)}</span>
        <span className="dim">regime transitions</span>
      </div>
      <TurnoverBar label="Hard switch" value={disruption.hardSwitch} max={max} color="var(--amber)" />
      <TurnoverBar label="Blended" value={disruption.blended} max={max} color="var(--accent)" />
      <TurnoverBar
        label={`Smoothed (EMA ${disruption.smoothingHalfLife}d)`}
        value={disruption.blendedSmoothed}
        max={max}
        color="var(--green)"
      />
      <p className={styles.note}>
        Mean one-way turnover on days the most likely regime changes: switching the allocation to the new
        regime outright (hard switch), weighting it by the regime probabilities (blended), or smoothing that
        blend with a causal EMA of the given half-life (less trading per day, later reaction).
      </p>
    </Card>
  );
}
