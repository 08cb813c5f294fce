import { formatNumber, formatPercent } from '@/shared/format/format';
import type { SpecialistContribution } from './operations';
import styles from './decisions.module.css';

/** A bar from the centre line: `value` in [-1, 1], half the track each way. */
function Bar({ value, kind }: { value: number; kind: 'signal' | 'contribution' }) {
  const v = Math.max(-1, Math.min(1, value));
  const style =
    v >= 0 ? { left: '50%', width: `${v * 50}%` } : { left: `${50 + v * 50}%`, width: `${-v * 50}%` };
  return <span className={`${styles.bar} ${styles[kind]} ${v < 0 ? styles.negative : ''}`} style={style} />;
}

/**
 * Each specialist's signal (outline) and its weighted contribution signal × weight (filled),
 * on a −1…1 scale; the blended signal is their sum.
 */
export function SpecialistChart(props: { specialists: SpecialistContribution[]; blendedSignal: number }) {
  return (
    <table className={`table ${styles.specialists}`} data-testid="specialist-chart">
      <thead>
        <tr>
          <th>Specialist</th>
          <th>
            <div className={styles.trackHead}>
              <span>−1</span>
              <span>signal · signal × weight</span>
              <span>+1</span>
            </div>
          </th>
          <th className="num">Signal</th>
          <th className="num">Weight</th>
          <th className="num">Contribution</th>
        </tr>
      </thead>
      <tbody>
        {props.specialists.map((s) => (
          <tr key={s.name} data-testid="specialist-row" data-name={s.name}>
            <td className="mono">
              {s.name} <span className="dim">v{s.version}</span>
            </td>
            <td className={styles.trackCell}>
              <div className={styles.track}>
                <Bar value={s.signal} kind="signal" />
                <Bar value={s.signal * s.weight} kind="contribution" />
              </div>
            </td>
            <td className="num">{formatNumber(s.signal)}</td>
            <td className="num">{formatPercent(s.weight, 1)}</td>
            <td className="num">{formatNumber(s.signal * s.weight)}</td>
          </tr>
        ))}
        <tr className={styles.blendRow}>
          <td>blend</td>
          <td className={styles.trackCell}>
            <div className={styles.track}>
              <Bar value={props.blendedSignal} kind="contribution" />
            </div>
          </td>
          <td className="num" />
          <td className="num">
            {formatPercent(
              props.specialists.reduce((a, s) => a + s.weight, 0),
              1,
            )}
          </td>
          <td className="num">{formatNumber(props.blendedSignal)}</td>
        </tr>
      </tbody>
    </table>
  );
}
