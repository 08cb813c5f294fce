import { formatPercent } from '@/shared/format/format';
import { niceTicks } from './dendrogram';
import { AXIS_H, ROW_H, rowsHeight, rowY } from './geometry';
import styles from './risk.module.css';

const LABEL_W = 56;
const BARS_W = 240;
const VALUE_W = 52;
const BAR_H = 12;

export interface WeightRow {
  symbol: string;
  hrp: number;
  inverseVariance: number | null;
}

/** Horizontal HRP weight bars in dendrogram order, inverse-variance markers and the concentration limit. */
export function HrpWeightsChart({ rows, limit }: { rows: readonly WeightRow[]; limit: number }) {
  const max = Math.max(limit, ...rows.map((r) => Math.max(r.hrp, r.inverseVariance ?? 0))) * 1.08 || 1;
  const x = (w: number) => LABEL_W + (Math.max(0, w) / max) * BARS_W;
  const height = rowsHeight(rows.length);
  const width = LABEL_W + BARS_W + VALUE_W;

  return (
    <svg
      className={styles.svg}
      width={width}
      height={height}
      data-testid="hrp-weights"
      data-count={rows.length}
      role="img"
      aria-label="HRP weights"
    >
      {niceTicks(max, 5)
        .filter((t) => t <= max)
        .map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={AXIS_H - 4} y2={height} className={styles.gridLine} />
            <text x={x(t)} y={AXIS_H - 8} textAnchor="middle" className={styles.axisText}>
              {formatPercent(t, 0)}
            </text>
          </g>
        ))}
      {rows.map((r, i) => {
        const y = rowY(i);
        const over = r.hrp > limit;
        return (
          <g key={r.symbol} data-testid={`hrp-weight-${r.symbol}`}>
            <title>
              {`${r.symbol}: HRP ${formatPercent(r.hrp)} · inverse variance ${formatPercent(r.inverseVariance)}`}
            </title>
            <rect x={0} y={y - ROW_H / 2} width={width} height={ROW_H} className={styles.rowHit} />
            <text
              x={LABEL_W - 8}
              y={y}
              dominantBaseline="central"
              textAnchor="end"
              className={styles.symbolText}
            >
              {r.symbol}
            </text>
            <rect
              x={LABEL_W}
              y={y - BAR_H / 2}
              width={Math.max(0, x(r.hrp) - LABEL_W)}
              height={BAR_H}
              className={over ? styles.barOver : styles.bar}
            />
            {r.inverseVariance != null && (
              <line
                x1={x(r.inverseVariance)}
                x2={x(r.inverseVariance)}
                y1={y - ROW_H / 2 + 2}
                y2={y + ROW_H / 2 - 2}
                className={styles.ivMarker}
              />
            )}
            <text
              x={Math.max(x(r.hrp), x(r.inverseVariance ?? 0)) + 6}
              y={y}
              dominantBaseline="central"
              className={styles.valueText}
            >
              {formatPercent(r.hrp, 1)}
            </text>
          </g>
        );
      })}
      <line x1={x(limit)} x2={x(limit)} y1={AXIS_H - 2} y2={height} className={styles.limitLine} />
    </svg>
  );
}

export function HrpLegend({ limit }: { limit: number }) {
  return (
    <div className={styles.legend}>
      <span>
        <span className={styles.swatchBar} aria-hidden="true" /> HRP weight
      </span>
      <span>
        <span className={styles.swatchIv} aria-hidden="true" /> inverse-variance weight
      </span>
      <span>
        <span className={styles.swatchLimit} aria-hidden="true" /> concentration limit{' '}
        {formatPercent(limit, 0)}
      </span>
    </div>
  );
}
