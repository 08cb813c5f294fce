import { useMemo } from 'react';
import { formatNumber } from '@/shared/format/format';
import { layoutDendrogram, niceTicks } from './dendrogram';
import { AXIS_H, rowsHeight, rowY } from './geometry';
import type { DendrogramMerge } from './operations';
import styles from './risk.module.css';

const WIDTH = 160;
const PAD_L = 8;
const PAD_R = 4;

/** The HRP tree drawn root-left, leaves right (in `order`, one per row), x = merge distance. */
export function Dendrogram(props: {
  symbols: readonly string[];
  order: readonly string[];
  merges: readonly DendrogramMerge[];
}) {
  const { symbols, order, merges } = props;
  const layout = useMemo(() => layoutDendrogram(symbols, order, merges), [symbols, order, merges]);
  const height = rowsHeight(order.length);
  const max = layout.maxHeight > 0 ? layout.maxHeight : 1;
  const x = (h: number) => WIDTH - PAD_R - (h / max) * (WIDTH - PAD_L - PAD_R);

  return (
    <svg
      className={styles.svg}
      width={WIDTH}
      height={height}
      data-testid="dendrogram"
      data-merges={layout.links.length}
      role="img"
      aria-label={`Dendrogram of ${order.length} symbols`}
    >
      {niceTicks(max, 3)
        .filter((t) => t <= max)
        .map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={AXIS_H - 4} y2={height} className={styles.gridLine} />
            <text x={x(t)} y={AXIS_H - 8} textAnchor="middle" className={styles.axisText}>
              {formatNumber(t)}
            </text>
          </g>
        ))}
      {layout.links.map((l) => (
        <path
          key={l.id}
          className={styles.link}
          d={`M${x(l.left.height)},${rowY(l.left.pos)}H${x(l.at.height)}V${rowY(l.right.pos)}H${x(l.right.height)}`}
        >
          <title>{`merge of ${l.size} at distance ${formatNumber(l.at.height)}`}</title>
        </path>
      ))}
    </svg>
  );
}
