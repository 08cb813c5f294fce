import { niceTicks, type WaterfallStep } from './waterfall';
import styles from './forensics.module.css';

const LABEL_W = 132;
const BARS_W = 400;
const VALUE_W = 84;
const AXIS_H = 22;
const ROW_H = 20;
const BAR_H = 12;
const FOOT_H = 6;

/**
 * A horizontal waterfall in SVG: one row per step, the start and total bars from zero, each
 * step a bar from the running level before it to the level after it, dashed connectors
 * between consecutive levels. `format` writes axis ticks and levels; steps get a sign.
 */
export function WaterfallChart(props: {
  steps: readonly WaterfallStep[];
  format: (v: number) => string;
  label: string;
  testId: string;
}) {
  const { steps, format } = props;
  const ends = steps.flatMap((s) => [s.from, s.to]);
  let lo = Math.min(0, ...ends);
  let hi = Math.max(0, ...ends);
  if (hi - lo < 1e-12) [lo, hi] = [lo - 1e-6, hi + 1e-6];
  const pad = (hi - lo) * 0.04;
  [lo, hi] = [lo - pad, hi + pad];
  const x = (v: number) => LABEL_W + ((v - lo) / (hi - lo)) * BARS_W;
  const y = (i: number) => AXIS_H + i * ROW_H + ROW_H / 2;
  const width = LABEL_W + BARS_W + VALUE_W;
  const height = AXIS_H + steps.length * ROW_H + FOOT_H;
  const signed = (v: number) => (v > 0 ? `+${format(v)}` : v < 0 ? `−${format(-v)}` : format(0));

  return (
    <svg
      className={styles.svg}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
      data-steps={steps.length}
    >
      {niceTicks(lo, hi, 5).map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={AXIS_H - 4} y2={height - FOOT_H} className={styles.gridLine} />
          <text x={x(t)} y={AXIS_H - 8} textAnchor="middle" className={styles.axisText}>
            {t === 0 ? '0' : signed(t)}
          </text>
        </g>
      ))}
      <line x1={x(0)} x2={x(0)} y1={AXIS_H - 4} y2={height - FOOT_H} className={styles.zeroLine} />
      {steps.map((s, i) => {
        const left = x(Math.min(s.from, s.to));
        const barW = Math.max(1, Math.abs(x(s.to) - x(s.from)));
        const next = steps[i + 1];
        const tone = s.kind === 'step' ? (s.value < 0 ? styles.down : styles.up) : styles.level;
        const shown = s.kind === 'step' ? signed(s.value) : format(s.value);
        return (
          <g key={s.key} data-testid="waterfall-step" data-kind={s.kind} data-label={s.label}>
            <title>{`${s.label}: ${shown}${s.note ? ` — ${s.note}` : ''}`}</title>
            <rect x={0} y={y(i) - ROW_H / 2} width={width} height={ROW_H} className={styles.rowHit} />
            <text
              x={LABEL_W - 8}
              y={y(i)}
              dominantBaseline="central"
              textAnchor="end"
              className={s.kind === 'step' ? styles.labelText : styles.labelTextStrong}
            >
              {s.label}
            </text>
            <rect x={left} y={y(i) - BAR_H / 2} width={barW} height={BAR_H} className={tone} />
            {next && (
              <line
                x1={x(s.to)}
                x2={x(s.to)}
                y1={y(i) + BAR_H / 2}
                y2={y(i + 1) - BAR_H / 2}
                className={styles.connector}
              />
            )}
            <text
              x={LABEL_W + BARS_W + 6}
              y={y(i)}
              dominantBaseline="central"
              className={s.kind === 'step' ? styles.valueText : styles.valueTextStrong}
            >
              {shown}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function WaterfallLegend({ start, total }: { start: string; total: string }) {
  return (
    <div className={styles.legend}>
      <span>
        <span className={`${styles.swatch} ${styles.swatchLevel}`} aria-hidden="true" /> {start} · {total}
      </span>
      <span>
        <span className={`${styles.swatch} ${styles.swatchUp}`} aria-hidden="true" /> raises it
      </span>
      <span>
        <span className={`${styles.swatch} ${styles.swatchDown}`} aria-hidden="true" /> lowers it
      </span>
    </div>
  );
}
