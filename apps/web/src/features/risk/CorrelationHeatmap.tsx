'use client';

import { useId, useMemo, useState } from 'react';
import { CORRELATION_STOPS, correlationColor } from './colors';
import styles from './risk.module.css';

const LABEL_W = 52;
const LABEL_H = 52;
const LEGEND_H = 34;

function cellSize(n: number): number {
  return Math.max(8, Math.min(20, Math.floor(440 / Math.max(1, n))));
}

function formatRho(v: number | null): string {
  return v == null ? 'no overlap' : v.toFixed(3);
}

/**
 * Correlation matrix as a heatmap, rows and columns in `order` (the HRP leaf order, so clusters
 * show as blocks). Cells with no overlapping data (null) are hatched.
 */
export function CorrelationHeatmap(props: {
  symbols: readonly string[];
  values: readonly (readonly (number | null)[])[];
  order: readonly string[];
}) {
  const { symbols, values, order } = props;
  const patternId = `hatch-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const gradientId = `${patternId}-scale`;
  const [hover, setHover] = useState<{ i: number; j: number } | null>(null);

  // Display order: HRP order first, then any symbol the order does not mention.
  const index = useMemo(() => {
    const at = new Map(symbols.map((s, i) => [s, i]));
    const shown = order.filter((s) => at.has(s));
    for (const s of symbols) if (!shown.includes(s)) shown.push(s);
    return shown.map((s) => ({ symbol: s, src: at.get(s)! }));
  }, [symbols, order]);

  const n = index.length;
  const cell = cellSize(n);
  const gridW = n * cell;
  const width = LABEL_W + gridW + 4;
  const height = LABEL_H + gridW + LEGEND_H;
  const valueAt = (i: number, j: number): number | null => values[index[i]!.src]?.[index[j]!.src] ?? null;
  const hovered = hover
    ? { a: index[hover.i]!.symbol, b: index[hover.j]!.symbol, v: valueAt(hover.i, hover.j) }
    : null;

  return (
    <div className={styles.heatmapWrap}>
      <div className={styles.readout} aria-live="polite">
        {hovered ? (
          <>
            <span className="mono">
              {hovered.a} × {hovered.b}
            </span>
            <span className="mono">ρ = {formatRho(hovered.v)}</span>
          </>
        ) : (
          <span className="dim">Hover a cell for the pair and its correlation.</span>
        )}
      </div>
      <svg
        className={styles.svg}
        width={width}
        height={height}
        data-testid="correlation-heatmap"
        data-size={n}
        role="img"
        aria-label={`Correlation matrix of ${n} symbols`}
        onMouseLeave={() => setHover(null)}
      >
        <defs>
          <pattern
            id={patternId}
            width={4}
            height={4}
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width={4} height={4} fill="#161b24" />
            <line x1={0} y1={0} x2={0} y2={4} stroke="#3a4556" strokeWidth={2} />
          </pattern>
          <linearGradient id={gradientId}>
            {CORRELATION_STOPS.map((s) => (
              <stop key={s.offset} offset={s.offset} stopColor={s.color} />
            ))}
          </linearGradient>
        </defs>
        {index.map(({ symbol }, i) => (
          <g key={symbol}>
            <text
              x={LABEL_W - 5}
              y={LABEL_H + i * cell + cell / 2}
              dominantBaseline="central"
              textAnchor="end"
              className={hover?.i === i ? styles.symbolTextActive : styles.symbolText}
            >
              {symbol}
            </text>
            <text
              transform={`translate(${LABEL_W + i * cell + cell / 2}, ${LABEL_H - 5}) rotate(-90)`}
              dominantBaseline="central"
              className={hover?.j === i ? styles.symbolTextActive : styles.symbolText}
            >
              {symbol}
            </text>
          </g>
        ))}
        {index.map((row, i) =>
          index.map((col, j) => {
            const v = valueAt(i, j);
            return (
              <rect
                key={`${row.symbol}|${col.symbol}`}
                x={LABEL_W + j * cell}
                y={LABEL_H + i * cell}
                width={cell - 1}
                height={cell - 1}
                fill={v == null ? `url(#${patternId})` : correlationColor(v)}
                onMouseEnter={() => setHover({ i, j })}
              >
                <title>{`${row.symbol} × ${col.symbol}: ${formatRho(v)}`}</title>
              </rect>
            );
          }),
        )}
        {hover && (
          <rect
            x={LABEL_W + hover.j * cell - 0.5}
            y={LABEL_H + hover.i * cell - 0.5}
            width={cell}
            height={cell}
            className={styles.cellFocus}
          />
        )}
        <g transform={`translate(${LABEL_W}, ${LABEL_H + gridW + 10})`}>
          <rect width={Math.min(gridW, 240)} height={8} fill={`url(#${gradientId})`} />
          {[-1, 0, 1].map((v) => (
            <text
              key={v}
              x={((v + 1) / 2) * Math.min(gridW, 240)}
              y={20}
              textAnchor={v === -1 ? 'start' : v === 1 ? 'end' : 'middle'}
              className={styles.axisText}
            >
              {v === 1 ? '+1' : v === -1 ? '−1' : '0'}
            </text>
          ))}
          <rect x={Math.min(gridW, 240) + 16} width={8} height={8} fill={`url(#${patternId})`} />
          <text x={Math.min(gridW, 240) + 28} y={4} dominantBaseline="central" className={styles.axisText}>
            no overlap
          </text>
        </g>
      </svg>
    </div>
  );
}
