'use client';

import { useEffect, useRef, useState, type RefObject } from 'react';
import type * as LightweightCharts from 'lightweight-charts';
import type { ChartOptionsBase, DeepPartial, IChartApi, IChartApiBase } from 'lightweight-charts';

export type LW = typeof LightweightCharts;

export interface ChartHandle<C = IChartApi> {
  chart: C;
  lw: LW;
}

/** The console's chart look (dark panel, mono axis labels, resizable panes), for any horizontal scale. */
export function baseChartOptions(lw: LW): DeepPartial<ChartOptionsBase> {
  return {
    autoSize: true,
    layout: {
      background: { type: lw.ColorType.Solid, color: '#11151c' },
      textColor: '#8591a3',
      fontSize: 11,
      fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
      panes: {
        separatorColor: '#2f3946',
        separatorHoverColor: 'rgba(76, 141, 255, 0.25)',
        enableResize: true,
      },
    },
    grid: { vertLines: { color: '#1a202b' }, horzLines: { color: '#1a202b' } },
    crosshair: { mode: lw.CrosshairMode.Normal },
    rightPriceScale: { borderColor: '#2f3946' },
    // A small minimum spacing lets fitContent show the whole history, not just its tail.
    timeScale: { borderColor: '#2f3946', rightOffset: 4, minBarSpacing: 0.05 },
  };
}

export interface LightweightChartState<C = IChartApi> {
  containerRef: RefObject<HTMLDivElement | null>;
  /** The chart once created (lightweight-charts is loaded in the browser only); null before and after. */
  handle: ChartHandle<C> | null;
  error: Error | null;
}

/**
 * Creates one chart in `containerRef` on mount (with `create`, read once) and removes it on unmount.
 * lightweight-charts is imported lazily: it touches `window`, so it never runs during server rendering.
 */
function useChart<C extends { remove(): void }>(
  create: (lw: LW, el: HTMLElement) => C,
): LightweightChartState<C> {
  const containerRef = useRef<HTMLDivElement>(null);
  const createRef = useRef(create);
  const [handle, setHandle] = useState<ChartHandle<C> | null>(null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    let disposed = false;
    let created: C | null = null;
    import('lightweight-charts')
      .then((lw) => {
        const el = containerRef.current;
        if (disposed || !el) return;
        created = createRef.current(lw, el);
        setHandle({ chart: created, lw });
      })
      .catch((err: unknown) => setError(err instanceof Error ? err : new Error(String(err))));
    return () => {
      disposed = true;
      created?.remove();
      setHandle(null);
    };
  }, []);

  return { containerRef, handle, error };
}

/** A chart over time (bars, regime history). */
export function useLightweightChart(): LightweightChartState {
  return useChart((lw, el) => lw.createChart(el, baseChartOptions(lw)));
}

/**
 * A chart whose horizontal scale is a plain number (a training step, an iteration), formatted by
 * `formatX` on the axis and under the crosshair.
 */
export function useNumericAxisChart(
  formatX: (x: number) => string,
): LightweightChartState<IChartApiBase<number>> {
  return useChart((lw, el) =>
    lw.createOptionsChart(el, {
      ...baseChartOptions(lw),
      localization: { precision: 0, timeFormatter: formatX },
    }),
  );
}
