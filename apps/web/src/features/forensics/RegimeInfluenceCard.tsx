import { RegimeBar } from '@/features/decisions';
import { formatNumber, formatPercent } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { Regime, TargetExplanation } from './operations';
import styles from './forensics.module.css';

const REGIMES = ['bull', 'bear', 'sideways'] as const;

/** A weight in [0, 1] as a thin bar and a percentage. */
function WeightCell({ weight, strong }: { weight: number; strong?: boolean }) {
  return (
    <td className={styles.weightCell}>
      <span className={styles.weightTrack} aria-hidden="true">
        <span
          className={strong ? styles.weightBarStrong : styles.weightBar}
          style={{ width: `${Math.max(0, Math.min(1, weight)) * 100}%` }}
        />
      </span>
      <span className="mono">{formatPercent(weight, 1)}</span>
    </td>
  );
}

/**
 * How the regime probabilities moved the meta-controller's weights: the weights as decided,
 * at the uniform regime (⅓ each) and if each regime were certain, with the features unchanged.
 */
export function RegimeInfluenceCard({ target: t, regime }: { target: TargetExplanation; regime: Regime }) {
  const atUniform = t.blendedSignal - t.regimeInfluence;
  const signed = (v: number) => (v > 0 ? `+${formatNumber(v)}` : formatNumber(v));
  return (
    <Card
      title={
        <>
          Regime influence <span className={styles.symbol}>{t.symbol}</span>
          <span className={styles.titleMeta}>the meta-controller&apos;s weights by regime</span>
        </>
      }
      testId="regime-influence"
    >
      <RegimeBar regime={regime} />
      <p className={styles.note} data-testid="regime-influence-value">
        The regime moved the blended signal by <strong className="mono">{signed(t.regimeInfluence)}</strong>:
        the same signals weighted as at the uniform regime give{' '}
        <span className="mono">{formatNumber(atUniform)}</span>, the decision&apos;s weights{' '}
        <span className="mono">{formatNumber(t.blendedSignal)}</span>.
      </p>
      <div className={styles.tableWrap}>
        <table className="table">
          <thead>
            <tr>
              <th>Specialist</th>
              <th>Weight now</th>
              <th>Uniform regime</th>
              {REGIMES.map((r) => (
                <th key={r}>
                  <span className={`${styles.regimeSwatch} ${styles[`regime-${r}`]}`} aria-hidden="true" />
                  {r} certain
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.specialists.map((s) => (
              <tr key={s.name} data-testid="regime-weights" data-name={s.name}>
                <td className="mono">{s.name}</td>
                <WeightCell weight={s.weight} strong />
                <WeightCell weight={s.weightAtUniformRegime} />
                {REGIMES.map((r) => (
                  <WeightCell key={r} weight={s.weightByRegime[r]} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
