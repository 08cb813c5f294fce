'use client';

import { useEffect, useRef, useState } from 'react';
import type { ISeriesApi, LineData, MouseEventParams, SeriesType, WhitespaceData } from 'lightweight-charts';
import { alignToStepGrid } from '@/features/experiments/stepGrid';
import { useNumericAxisChart } from '@/shared/chart/useLightweightChart';
import { formatInt } from '@/shared/format/format';
import { ErrorState } from '@/shared/ui/States';
import styles from './rollouts.module.css';

/** Whitespace slots on the horizontal axis (it spaces points by index; the grid keeps it proportional to n). */
const MAX_SLOTS = 4_000;

export interface NSeries {
  label: string;
  color: string;
  /** A band's edge: thin and dashed. */
  dashed?: boolean;
  points: readonly { n: number; value: number }[];
}

export interface HorizontalLine {
  value: number;
  title: string;
  color: string;
}

const formatN = (n: number) => `n = ${formatInt(n)}`;

/**
 * Lines over the number of paired decisions n, with horizontal reference lines (zero, a
 * threshold) and the values under the crosshair; `formatValue` writes the vertical axis.
 */
export function DecisionCountChart(props: {
  testId: string;
  ariaLabel: string;
  series: readonly NSeries[];
  lines: readonly HorizontalLine[];
  formatValue: (v: number) => string;
  height?: number;
}) {
  const { testId, ariaLabel, series, lines, formatValue, height = 220 } = props;
  const { containerRef, handle, error } = useNumericAxisChart(formatN);
  const legendRef = useRef<HTMLSpanElement>(null);
  const [drawn, setDrawn] = useState<number | null>(null);
  /** What the last drawing added, undone at the start of the next (see EquityChart). */
  const ownedRef = useRef<{ chart: unknown; undo: () => void } | null>(null);
  const formatRef = useRef(formatValue);

  useEffect(() => {
    if (!handle) return;
    const { chart, lw } = handle;
    if (ownedRef.current?.chart === chart) ownedRef.current.undo();
    ownedRef.current = null;
    const format = formatRef.current;
    const grid = alignToStepGrid(
      series.map((s) => s.points.map((p) => ({ step: p.n, value: p.value }))),
      MAX_SLOTS,
    );
    const owned: ISeriesApi<SeriesType, number>[] = [];
    const axis = chart.addSeries(lw.LineSeries, {
      visible: false,
      lastValueVisible: false,
      priceLineVisible: false,
    });
    axis.setData(grid.axis.map((time): WhitespaceData<number> => ({ time })));
    owned.push(axis);
    const plotted = series.map((s, i) => {
      const line = chart.addSeries(lw.LineSeries, {
        color: s.color,
        lineWidth: s.dashed ? 1 : 2,
        lineStyle: s.dashed ? lw.LineStyle.Dashed : lw.LineStyle.Solid,
        priceLineVisible: false,
        lastValueVisible: !s.dashed,
        priceFormat: { type: 'custom', minMove: 1e-6, formatter: format },
      });
      line.setData(grid.aligned[i]!.map((p): LineData<number> => ({ time: p.step, value: p.value })));
      owned.push(line);
      return line;
    });
    const anchor = plotted[0];
    if (anchor)
      for (const l of lines)
        anchor.createPriceLine({
          price: l.value,
          color: l.color,
          lineWidth: 1,
          lineStyle: lw.LineStyle.Dotted,
          axisLabelVisible: true,
          title: l.title,
        });
    chart.timeScale().fitContent();
    setDrawn(grid.aligned.reduce((n, a) => n + a.length, 0));

    const show = (n: number | undefined, values: (number | undefined)[]) => {
      if (!legendRef.current) return;
      legendRef.current.textContent =
        n === undefined
          ? ''
          : `${formatN(n)}  ` +
            series
              .map((s, i) => `${s.label} ${values[i] === undefined ? '—' : format(values[i])}`)
              .join('  ');
    };
    const showLatest = () =>
      show(
        grid.axis.at(-1),
        grid.aligned.map((a) => a.at(-1)?.value),
      );
    showLatest();
    const onMove = (param: MouseEventParams<number>) => {
      if (param.time === undefined) return showLatest();
      show(
        param.time,
        plotted.map((l) => {
          const d = param.seriesData.get(l) as { value?: unknown } | undefined;
          return typeof d?.value === 'number' ? d.value : undefined;
        }),
      );
    };
    chart.subscribeCrosshairMove(onMove);
    ownedRef.current = {
      chart,
      undo: () => {
        chart.unsubscribeCrosshairMove(onMove);
        for (const s of owned) chart.removeSeries(s);
      },
    };
  }, [handle, series, lines]);

  if (error) return <ErrorState error={error} compact />;
  return (
    <div className={styles.chart} data-testid={testId} data-points={drawn ?? undefined}>
      <div ref={containerRef} style={{ height }} role="img" aria-label={ariaLabel} />
      <span ref={legendRef} className={styles.legend} />
    </div>
  );
}
