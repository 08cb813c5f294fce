'use client';

import { useEffect, useRef, useState } from 'react';
import type {
  AreaSeriesPartialOptions,
  IChartApi,
  ISeriesApi,
  LineData,
  MouseEventParams,
  SeriesType,
  Time,
} from 'lightweight-charts';
import { chartTimeLabel, toChartPoints } from '@/shared/chart/time';
import { useLightweightChart } from '@/shared/chart/useLightweightChart';
import { formatInt, formatNumber, formatPercent } from '@/shared/format/format';
import type { BarsState } from '@/shared/market/useBars';
import { ErrorState } from '@/shared/ui/States';
import type { RegimePoint } from './operations';
import { regimeColor } from './regimeColors';
import styles from './regimes.module.css';

const PRICE_PANE_PX = 300;
const PROB_PANE_PX = 170;

interface Probabilities {
  bull: number;
  sideways: number;
  bear: number;
}

/** The probability pane is a stack from the bottom: bear, then sideways, then bull up to 1. */
const STACK = [
  { label: 'bull', value: () => 1 },
  { label: 'sideways', value: (p: Probabilities) => p.bear + p.sideways },
  { label: 'bear', value: (p: Probabilities) => p.bear },
] as const;

function stackOptions(label: string, showLine: boolean): AreaSeriesPartialOptions {
  const c = regimeColor(label);
  return {
    topColor: c.fill,
    bottomColor: c.fill,
    lineColor: c.line,
    lineWidth: 1,
    lineVisible: showLine,
    priceLineVisible: false,
    lastValueVisible: false,
    crosshairMarkerVisible: false,
    autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 1 } }),
    priceFormat: { type: 'custom', minMove: 0.01, formatter: (v: number) => `${Math.round(v * 100)}%` },
  };
}

export interface RegimeChartProps {
  symbol: string;
  barsState: BarsState;
  points: readonly RegimePoint[];
  onRetryBars: () => void;
}

/** Close price on top and the stacked bull / sideways / bear probabilities below, on one time axis. */
export function RegimeChart({ symbol, barsState, points, onRetryBars }: RegimeChartProps) {
  const { containerRef, handle, error: chartError } = useLightweightChart();
  const priceLegendRef = useRef<HTMLSpanElement>(null);
  const probLegendRef = useRef<HTMLSpanElement>(null);
  const ownedRef = useRef<{ chart: IChartApi | null; series: ISeriesApi<SeriesType>[] }>({
    chart: null,
    series: [],
  });
  const fittedKeyRef = useRef<string | null>(null);
  const [drawn, setDrawn] = useState<number | null>(null);
  const [probTop, setProbTop] = useState<number | null>(null);
  const bars = barsState.status === 'ready' ? barsState.bars : null;

  useEffect(() => {
    if (!handle) return;
    const { chart, lw } = handle;
    if (ownedRef.current.chart !== chart) ownedRef.current = { chart, series: [] };
    const owned = ownedRef.current.series;
    for (const s of owned) chart.removeSeries(s);
    owned.length = 0;
    for (let i = chart.panes().length - 1; i > 0; i--) chart.removePane(i);

    let price: ISeriesApi<'Line'> | null = null;
    if (bars && bars.length > 0) {
      price = chart.addSeries(lw.LineSeries, { color: '#4c8dff', lineWidth: 1, priceLineVisible: false }, 0);
      price.setData(
        toChartPoints(
          bars,
          (b) => b.time,
          true,
          (time, b): LineData<Time> => ({ time, value: b.close }),
        ),
      );
      owned.push(price);
    }

    const stacked = STACK.map((layer) => {
      const s = chart.addSeries(lw.AreaSeries, stackOptions(layer.label, layer.label !== 'bull'), 1);
      s.setData(
        toChartPoints(
          points,
          (p) => p.time,
          true,
          (time, p): LineData<Time> => ({ time, value: layer.value(p) }),
        ),
      );
      owned.push(s);
      return s;
    });
    chart.priceScale('right', 1).applyOptions({ scaleMargins: { top: 0.06, bottom: 0 } });

    const panes = chart.panes();
    panes[0]?.setStretchFactor(PRICE_PANE_PX / PROB_PANE_PX);
    panes[1]?.setStretchFactor(1);

    const fitKey = `${symbol}|${points.length}|${bars?.length ?? 0}`;
    if (fittedKeyRef.current !== fitKey) chart.timeScale().fitContent();
    fittedKeyRef.current = fitKey;
    setDrawn(points.length);

    // Legends: values at the crosshair, else the latest ones.
    const lastBar = bars?.[bars.length - 1];
    const lastPoint = points[points.length - 1];
    const setPriceLegend = (date: string | null, close: number | null) => {
      if (priceLegendRef.current) {
        priceLegendRef.current.textContent =
          close == null ? '' : `${date ?? ''}  close ${formatNumber(close)}`.trim();
      }
    };
    const setProbLegend = (p: Probabilities | null) => {
      const el = probLegendRef.current;
      if (!el) return;
      el.replaceChildren();
      if (!p) return;
      for (const label of ['bull', 'sideways', 'bear'] as const) {
        const span = document.createElement('span');
        span.style.color = regimeColor(label).line;
        span.textContent = `${label} ${formatPercent(p[label], 1)}`;
        el.append(span);
      }
    };
    const showLatest = () => {
      setPriceLegend(lastBar ? lastBar.time.slice(0, 10) : null, lastBar?.close ?? null);
      setProbLegend(lastPoint ?? null);
    };
    showLatest();

    const valueOf = (param: MouseEventParams<Time>, s: ISeriesApi<SeriesType> | null): number | null => {
      const d = s ? (param.seriesData.get(s) as { value?: unknown } | undefined) : undefined;
      return typeof d?.value === 'number' ? d.value : null;
    };
    const onMove = (param: MouseEventParams<Time>) => {
      if (param.time === undefined) {
        showLatest();
        return;
      }
      const date = chartTimeLabel(param.time);
      setPriceLegend(date, valueOf(param, price));
      const upper = valueOf(param, stacked[1] ?? null);
      const bear = valueOf(param, stacked[2] ?? null);
      setProbLegend(
        upper == null || bear == null ? null : { bear, sideways: upper - bear, bull: Math.max(0, 1 - upper) },
      );
    };
    chart.subscribeCrosshairMove(onMove);

    const placeProbLegend = () => {
      const host = containerRef.current;
      const el = chart.panes()[1]?.getHTMLElement();
      if (host && el) setProbTop(el.getBoundingClientRect().top - host.getBoundingClientRect().top);
    };
    const raf = requestAnimationFrame(() => requestAnimationFrame(placeProbLegend));
    const ro = new ResizeObserver(placeProbLegend);
    if (containerRef.current) ro.observe(containerRef.current);

    return () => {
      cancelAnimationFrame(raf);
      ro.disconnect();
      chart.unsubscribeCrosshairMove(onMove);
    };
  }, [handle, bars, points, symbol, containerRef]);

  return (
    <div
      className={styles.chartWrap}
      data-testid="regime-chart"
      data-symbol={symbol}
      data-points={drawn ?? undefined}
    >
      <div ref={containerRef} style={{ height: PRICE_PANE_PX + PROB_PANE_PX }} />
      <div className={styles.legend} style={{ top: 6 }}>
        <span className={styles.legendSymbol}>{symbol} · 1d</span>
        <span ref={priceLegendRef} className={styles.legendValues} />
        {barsState.status === 'loading' && (
          <span className="dim">
            loading prices… {formatInt(barsState.loaded)}
            {barsState.total != null ? ` / ${formatInt(barsState.total)}` : ''}
          </span>
        )}
      </div>
      <div
        className={styles.legend}
        style={{ top: (probTop ?? PRICE_PANE_PX) + 4, visibility: probTop === null ? 'hidden' : 'visible' }}
      >
        <span className={styles.legendTitle}>P(regime)</span>
        <span ref={probLegendRef} className={styles.legendValues} />
      </div>
      {barsState.status === 'error' && barsState.error && (
        <div className={styles.chartNotice}>
          <ErrorState error={barsState.error} onRetry={onRetryBars} compact />
        </div>
      )}
      {chartError && (
        <div className={styles.chartNotice}>
          <ErrorState error={chartError} />
        </div>
      )}
    </div>
  );
}
