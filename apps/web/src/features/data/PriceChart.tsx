'use client';

import { useEffect, useRef, useState } from 'react';
import type {
  BarData,
  HistogramData,
  IChartApi,
  ISeriesApi,
  LineData,
  MouseEventParams,
  SeriesType,
  Time,
  WhitespaceData,
} from 'lightweight-charts';
import { formatInt, formatNumber } from '@/shared/format/format';
import { ErrorState } from '@/shared/ui/States';
import type { Bar } from '@/shared/market/bars';
import type { BarsState } from '@/shared/market/useBars';
import { isDailyOrCoarser, toChartPoints } from '@/shared/chart/time';
import { useLightweightChart } from '@/shared/chart/useLightweightChart';
import type { FeatureSeriesData } from './operations';
import { featureMeta } from './features';
import styles from './data.module.css';

const PRICE_PANE_PX = 380;
const FEATURE_PANE_PX = 120;
const UP = '#26a269';
const DOWN = '#f0524f';

export interface PriceChartProps {
  symbol: string;
  timeframe: string;
  barsState: BarsState;
  featureSeries: FeatureSeriesData | undefined;
  /** Feature names to draw, one pane each, in this order. */
  overlays: string[];
  showVolume: boolean;
  onRetry: () => void;
}

interface PaneLabel {
  key: string;
  text: string;
  top: number;
}

/** True when the bars carry real OHLC; wide close-only data arrives with O=H=L=C. */
export function hasOhlc(bars: readonly Bar[]): boolean {
  return bars.some((b) => b.open !== b.close || b.high !== b.close || b.low !== b.close);
}

function pricePrecision(bars: readonly Bar[]): number {
  let max = 0;
  for (const b of bars) if (Math.abs(b.close) > max) max = Math.abs(b.close);
  if (max === 0) return 2;
  if (max < 1) return 6;
  if (max < 20) return 4;
  return 2;
}

export function PriceChart(props: PriceChartProps) {
  const { symbol, timeframe, barsState, featureSeries, overlays, showVolume } = props;
  const { containerRef, handle, error: chartError } = useLightweightChart();
  const legendRef = useRef<HTMLSpanElement>(null);
  /** Series of the current chart (a remounted chart starts with none). */
  const seriesRef = useRef<{ chart: IChartApi | null; series: ISeriesApi<SeriesType>[] }>({
    chart: null,
    series: [],
  });
  const dataKeyRef = useRef<string | null>(null);
  const [labels, setLabels] = useState<PaneLabel[]>([]);

  const daily = isDailyOrCoarser(timeframe);
  const ready = barsState.status === 'ready';
  const bars = barsState.bars;
  const ohlc = ready && hasOhlc(bars);
  const height = PRICE_PANE_PX + (ready ? overlays.length * FEATURE_PANE_PX : 0);

  // (Re)build all series whenever the data or the chosen overlays change.
  useEffect(() => {
    if (!handle) return;
    const { chart, lw } = handle;
    if (seriesRef.current.chart !== chart) {
      seriesRef.current = { chart, series: [] };
      dataKeyRef.current = null;
    }
    const owned = seriesRef.current.series;

    const dataKey = `${symbol}|${timeframe}|${bars.length}`;
    const sameData = dataKeyRef.current === dataKey;
    const keepRange = sameData ? chart.timeScale().getVisibleLogicalRange() : null;

    for (const s of owned) chart.removeSeries(s);
    owned.length = 0;
    for (let i = chart.panes().length - 1; i > 0; i--) chart.removePane(i);

    if (!ready || bars.length === 0) {
      dataKeyRef.current = null;
      setLabels([]);
      return;
    }

    chart.applyOptions({ timeScale: { timeVisible: !daily, secondsVisible: false } });
    const precision = pricePrecision(bars);
    const priceFormat = { type: 'price' as const, precision, minMove: 1 / 10 ** precision };

    let priceSeries: ISeriesApi<'Candlestick'> | ISeriesApi<'Line'>;
    if (ohlc) {
      const candles = chart.addSeries(
        lw.CandlestickSeries,
        {
          upColor: UP,
          downColor: DOWN,
          borderVisible: false,
          wickUpColor: UP,
          wickDownColor: DOWN,
          priceFormat,
        },
        0,
      );
      candles.setData(
        toChartPoints(
          bars,
          (b) => b.time,
          daily,
          (time, b): BarData<Time> => ({ time, open: b.open, high: b.high, low: b.low, close: b.close }),
        ),
      );
      priceSeries = candles;
    } else {
      const line = chart.addSeries(
        lw.LineSeries,
        { color: '#4c8dff', lineWidth: 2, priceFormat, priceLineVisible: false },
        0,
      );
      line.setData(
        toChartPoints(
          bars,
          (b) => b.time,
          daily,
          (time, b): LineData<Time> => ({ time, value: b.close }),
        ),
      );
      priceSeries = line;
    }
    owned.push(priceSeries);

    let volumeSeries: ISeriesApi<'Histogram'> | null = null;
    if (showVolume && bars.some((b) => b.volume != null)) {
      volumeSeries = chart.addSeries(
        lw.HistogramSeries,
        {
          priceScaleId: 'volume',
          priceFormat: { type: 'volume' },
          lastValueVisible: false,
          priceLineVisible: false,
        },
        0,
      );
      volumeSeries.priceScale().applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
      volumeSeries.setData(
        toChartPoints(
          bars,
          (b) => b.time,
          daily,
          (time, b): HistogramData<Time> | WhitespaceData<Time> =>
            b.volume == null
              ? { time }
              : {
                  time,
                  value: b.volume,
                  color: b.close >= b.open ? 'rgba(38,162,105,0.35)' : 'rgba(240,82,79,0.35)',
                },
        ),
      );
      owned.push(volumeSeries);
    }

    // One pane per enabled feature; null values become whitespace (gaps).
    const featureByName = new Map((featureSeries?.features ?? []).map((f) => [f.name, f]));
    const drawn: string[] = [];
    for (const name of overlays) {
      const feature = featureByName.get(name);
      if (!feature || !featureSeries) continue;
      const meta = featureMeta(name);
      const paneIndex = drawn.length + 1;
      const fmt = { type: 'price' as const, precision: meta.precision, minMove: 1 / 10 ** meta.precision };
      const times = featureSeries.times;
      let s: ISeriesApi<'Line'> | ISeriesApi<'Histogram'>;
      if (meta.kind === 'histogram') {
        const h = chart.addSeries(
          lw.HistogramSeries,
          { priceFormat: fmt, priceLineVisible: false },
          paneIndex,
        );
        h.setData(
          toChartPoints(
            times,
            (t) => t,
            daily,
            (time, _t, i): HistogramData<Time> | WhitespaceData<Time> => {
              const v = feature.values[i];
              return v == null ? { time } : { time, value: v, color: v >= 0 ? UP : DOWN };
            },
          ),
        );
        s = h;
      } else {
        const l = chart.addSeries(
          lw.LineSeries,
          { color: meta.color, lineWidth: 1, priceFormat: fmt, priceLineVisible: false },
          paneIndex,
        );
        l.setData(
          toChartPoints(
            times,
            (t) => t,
            daily,
            (time, _t, i): LineData<Time> | WhitespaceData<Time> => {
              const v = feature.values[i];
              return v == null ? { time } : { time, value: v };
            },
          ),
        );
        s = l;
      }
      for (const g of meta.guides) {
        s.createPriceLine({
          price: g,
          color: '#3a4556',
          lineWidth: 1,
          lineStyle: lw.LineStyle.Dashed,
          axisLabelVisible: false,
          title: '',
        });
      }
      owned.push(s);
      drawn.push(name);
    }

    const panes = chart.panes();
    panes[0]?.setStretchFactor(PRICE_PANE_PX / FEATURE_PANE_PX);
    for (let i = 1; i < panes.length; i++) panes[i]?.setStretchFactor(1);

    if (keepRange) chart.timeScale().setVisibleLogicalRange(keepRange);
    else chart.timeScale().fitContent();
    dataKeyRef.current = dataKey;

    // Legend: OHLC(V) of the hovered bar, else of the last bar.
    const lastBar = bars[bars.length - 1];
    const legendText = (
      p: { open: number; high: number; low: number; close: number } | null,
      vol?: number,
    ) => {
      if (!p) return '';
      const v = vol == null ? '' : `  V ${formatInt(vol)}`;
      return ohlc
        ? `O ${formatNumber(p.open)}  H ${formatNumber(p.high)}  L ${formatNumber(p.low)}  C ${formatNumber(p.close)}${v}`
        : `C ${formatNumber(p.close)}${v}`;
    };
    const setLegend = (text: string) => {
      if (legendRef.current) legendRef.current.textContent = text;
    };
    setLegend(legendText(lastBar ?? null, lastBar?.volume ?? undefined));
    const onMove = (param: MouseEventParams<Time>) => {
      const d = param.time === undefined ? undefined : param.seriesData.get(priceSeries);
      if (!d) {
        setLegend(legendText(lastBar ?? null, lastBar?.volume ?? undefined));
        return;
      }
      const vd = (volumeSeries ? param.seriesData.get(volumeSeries) : undefined) as
        { value?: unknown } | undefined;
      const vol = typeof vd?.value === 'number' ? vd.value : undefined;
      const p = d as { open?: unknown; high?: unknown; low?: unknown; close?: unknown; value?: unknown };
      if (
        typeof p.open === 'number' &&
        typeof p.high === 'number' &&
        typeof p.low === 'number' &&
        typeof p.close === 'number'
      ) {
        setLegend(legendText({ open: p.open, high: p.high, low: p.low, close: p.close }, vol));
      } else if (typeof p.value === 'number') {
        setLegend(legendText({ open: p.value, high: p.value, low: p.value, close: p.value }, vol));
      }
    };
    chart.subscribeCrosshairMove(onMove);

    // Pane labels sit over the top-left corner of each pane; positions are read once laid out.
    const texts = drawn.map((n) => featureMeta(n).label);
    const placeLabels = () => {
      const host = containerRef.current;
      if (!host) return;
      const hostTop = host.getBoundingClientRect().top;
      const current = chart.panes();
      let acc = 0;
      const next: PaneLabel[] = [];
      for (let i = 1; i < current.length; i++) {
        const pane = current[i]!;
        const el = pane.getHTMLElement();
        const top = el
          ? el.getBoundingClientRect().top - hostTop
          : acc + (current[i - 1]?.getHeight() ?? 0) + 1;
        acc = top;
        next.push({ key: drawn[i - 1] ?? String(i), text: texts[i - 1] ?? '', top });
      }
      setLabels(next);
    };
    const raf = requestAnimationFrame(() => requestAnimationFrame(placeLabels));
    const ro = new ResizeObserver(() => placeLabels());
    if (containerRef.current) ro.observe(containerRef.current);

    return () => {
      cancelAnimationFrame(raf);
      ro.disconnect();
      chart.unsubscribeCrosshairMove(onMove);
    };
  }, [handle, ready, bars, symbol, timeframe, daily, ohlc, featureSeries, overlays, showVolume]);

  const state = chartError ? 'error' : barsState.status;

  return (
    <div
      className={styles.chartWrap}
      data-testid="price-chart"
      data-symbol={symbol}
      data-timeframe={timeframe}
      data-state={state}
      data-kind={ready ? (ohlc ? 'candlestick' : 'line') : undefined}
      data-bars={ready ? bars.length : undefined}
    >
      <div ref={containerRef} className={styles.chartCanvas} style={{ height }} />
      {ready && bars.length > 0 && (
        <div className={styles.priceLegend}>
          <span className={styles.legendSymbol}>
            {symbol} · {timeframe} · {ohlc ? 'candles' : 'close (line)'}
          </span>
          <span ref={legendRef} className={styles.legendValues} />
        </div>
      )}
      {ready &&
        labels.map((l) => (
          <div key={l.key} className={styles.paneLabel} style={{ top: l.top + 4 }}>
            {l.text}
          </div>
        ))}
      {barsState.status === 'loading' && (
        <div className={styles.chartOverlay} role="status" data-testid="bars-loading">
          <span>
            Loading bars… {formatInt(barsState.loaded)}
            {barsState.total != null ? ` / ${formatInt(barsState.total)}` : ''}
          </span>
          {barsState.total != null && barsState.total > 0 && (
            <div className={styles.progress}>
              <div
                className={styles.progressFill}
                style={{ width: `${Math.min(100, (barsState.loaded / barsState.total) * 100)}%` }}
              />
            </div>
          )}
        </div>
      )}
      {barsState.status === 'error' && barsState.error && (
        <div className={styles.chartOverlay}>
          <ErrorState error={barsState.error} onRetry={props.onRetry} />
        </div>
      )}
      {chartError && (
        <div className={styles.chartOverlay}>
          <ErrorState error={chartError} />
        </div>
      )}
      {ready && bars.length === 0 && (
        <div className={styles.chartOverlay}>
          No bars for {symbol} {timeframe}.
        </div>
      )}
    </div>
  );
}
