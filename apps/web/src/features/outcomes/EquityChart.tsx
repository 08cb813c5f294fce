'use client';

import { useEffect, useRef, useState } from 'react';
import type { ISeriesApi, LineData, MouseEventParams, Time } from 'lightweight-charts';
import { chartTimeLabel, toChartPoints } from '@/shared/chart/time';
import { useLightweightChart } from '@/shared/chart/useLightweightChart';
import { formatNumber } from '@/shared/format/format';
import { ErrorState } from '@/shared/ui/States';
import type { EquityPoint } from './operations';
import { formatNet } from './outcomeFormat';
import styles from './outcomes.module.css';

const HEIGHT_PX = 220;

/** The book's equity from 1 over its decisions (asOf on the time axis), the value under the crosshair. */
export function EquityChart({
  portfolioId,
  points,
}: {
  portfolioId: string;
  points: readonly EquityPoint[];
}) {
  const { containerRef, handle, error } = useLightweightChart();
  const legendRef = useRef<HTMLSpanElement>(null);
  const [drawn, setDrawn] = useState<number | null>(null);
  /**
   * What the last drawing added to the chart, undone at the start of the next one: on unmount
   * the chart hook's own clean-up removes the chart first, and a series of a removed chart
   * cannot be removed (the other charts of the console do the same).
   */
  const ownedRef = useRef<{ chart: unknown; undo: () => void } | null>(null);

  useEffect(() => {
    if (!handle) return;
    const { chart, lw } = handle;
    if (ownedRef.current?.chart === chart) ownedRef.current.undo();
    ownedRef.current = null;
    chart.applyOptions({ timeScale: { timeVisible: true, secondsVisible: false } });
    const series: ISeriesApi<'Area'> = chart.addSeries(lw.AreaSeries, {
      lineColor: '#4c8dff',
      topColor: 'rgba(76, 141, 255, 0.25)',
      bottomColor: 'rgba(76, 141, 255, 0.02)',
      lineWidth: 2,
      priceLineVisible: false,
      priceFormat: { type: 'price', precision: 4, minMove: 0.0001 },
    });
    // Several decisions can share an asOf (one a bar per book): the chart keeps the last of them.
    const data = toChartPoints(
      points,
      (p) => p.asOf,
      false,
      (time, p): LineData<Time> => ({ time, value: p.equity }),
    );
    series.setData(data);
    chart.timeScale().fitContent();
    setDrawn(data.length);

    const last = points[points.length - 1];
    const show = (label: string, equity: number | undefined) => {
      if (legendRef.current)
        legendRef.current.textContent =
          equity === undefined
            ? ''
            : `${label}  equity ${formatNumber(equity)}  (${formatNet(equity - 1, 2)})`;
    };
    const showLatest = () => show(last ? last.asOf.slice(0, 10) : '', last?.equity);
    showLatest();
    const onMove = (param: MouseEventParams<Time>) => {
      const d =
        param.time === undefined
          ? undefined
          : (param.seriesData.get(series) as { value?: number } | undefined);
      if (param.time === undefined || d?.value === undefined) showLatest();
      else show(chartTimeLabel(param.time), d.value);
    };
    chart.subscribeCrosshairMove(onMove);
    ownedRef.current = {
      chart,
      undo: () => {
        chart.unsubscribeCrosshairMove(onMove);
        chart.removeSeries(series);
      },
    };
  }, [handle, points]);

  if (error) return <ErrorState error={error} compact />;
  return (
    <div
      className={styles.chartWrap}
      data-testid="equity-chart"
      data-portfolio={portfolioId}
      data-points={drawn ?? undefined}
    >
      <div ref={containerRef} style={{ height: HEIGHT_PX }} />
      <span ref={legendRef} className={styles.legend} />
    </div>
  );
}
