'use client';

import { useEffect, useRef, useState } from 'react';
import type { ISeriesApi, LineData, MouseEventParams, SeriesType, WhitespaceData } from 'lightweight-charts';
import { useNumericAxisChart } from '@/shared/chart/useLightweightChart';
import { formatInt, formatNumber } from '@/shared/format/format';
import { ErrorState } from '@/shared/ui/States';
import { alignToStepGrid, type StepPoint } from './stepGrid';
import styles from './experiments.module.css';

/** At most this many evenly spaced steps on the horizontal axis (whitespace costs little; series are ≤ 1,000 points). */
const MAX_SLOTS = 10_000;

export interface ChartSeries {
  /** The run id. */
  id: string;
  label: string;
  color: string;
  points: readonly StepPoint[];
}

/** A line needs two points: metrics logged once (a final CAGR) belong in the tables, not on a chart. */
export function worthCharting(series: readonly ChartSeries[]): boolean {
  return series.some((s) => s.points.length >= 2);
}

const formatStep = (x: number) => `step ${formatInt(x)}`;

/** One metric of one or more runs over the step, one coloured line per run, with a legend. */
export function MetricChart(props: { metricKey: string; series: readonly ChartSeries[]; height?: number }) {
  const { metricKey, series, height = 220 } = props;
  const { containerRef, handle, error } = useNumericAxisChart(formatStep);
  const ownedRef = useRef<ISeriesApi<SeriesType, number>[]>([]);
  const [drawn, setDrawn] = useState<{ points: number; lastStep: number | null } | null>(null);
  /** Values under the crosshair (per series, in order), or null to show the latest ones. */
  const [hover, setHover] = useState<{ step: number; values: (number | null)[] } | null>(null);

  useEffect(() => {
    if (!handle) return;
    const { chart, lw } = handle;
    for (const s of ownedRef.current) chart.removeSeries(s);
    ownedRef.current = [];

    const grid = alignToStepGrid(
      series.map((s) => s.points),
      MAX_SLOTS,
    );
    // An invisible series holding every grid step keeps the axis proportional to the step.
    const axis = chart.addSeries(lw.LineSeries, {
      visible: false,
      lastValueVisible: false,
      priceLineVisible: false,
    });
    axis.setData(grid.axis.map((time): WhitespaceData<number> => ({ time })));
    ownedRef.current.push(axis);

    const lines = series.map((s, i) => {
      const line = chart.addSeries(lw.LineSeries, {
        color: s.color,
        lineWidth: 2,
        priceLineVisible: false,
        lastValueVisible: series.length <= 3,
        priceFormat: { type: 'custom', minMove: 1e-9, formatter: (v: number) => formatNumber(v) },
      });
      line.setData(grid.aligned[i]!.map((p): LineData<number> => ({ time: p.step, value: p.value })));
      ownedRef.current.push(line);
      return line;
    });
    chart.timeScale().fitContent();
    setDrawn({
      points: grid.aligned.reduce((n, a) => n + a.length, 0),
      lastStep: grid.axis.at(-1) ?? null,
    });

    const onMove = (param: MouseEventParams<number>) => {
      if (param.time === undefined) {
        setHover(null);
        return;
      }
      setHover({
        step: param.time,
        values: lines.map((l) => {
          const d = param.seriesData.get(l) as { value?: unknown } | undefined;
          return typeof d?.value === 'number' ? d.value : null;
        }),
      });
    };
    chart.subscribeCrosshairMove(onMove);
    return () => chart.unsubscribeCrosshairMove(onMove);
  }, [handle, series]);

  return (
    <figure
      className={styles.chart}
      data-testid="metric-chart"
      data-key={metricKey}
      data-series={series.length}
      data-points={drawn?.points}
      data-last-step={drawn?.lastStep ?? undefined}
    >
      <figcaption className={styles.chartCaption}>
        <span className={styles.chartKey}>{metricKey}</span>
        {hover && <span className="mono dim">{formatStep(hover.step)}</span>}
      </figcaption>
      <ul className={styles.chartLegend} aria-label={`${metricKey} legend`}>
        {series.map((s, i) => {
          const value = hover ? hover.values[i] : s.points.at(-1)?.value;
          return (
            <li key={s.id}>
              <span className={styles.swatch} style={{ background: s.color }} aria-hidden="true" />
              <span className={styles.legendLabel}>{s.label}</span>
              <span className="mono">{formatNumber(value)}</span>
            </li>
          );
        })}
      </ul>
      <div ref={containerRef} style={{ height }} role="img" aria-label={`${metricKey} by step`} />
      {error && <ErrorState error={error} compact />}
    </figure>
  );
}
