'use client';

import { useEffect, useRef, useState, type RefObject } from 'react';
import type * as LightweightCharts from 'lightweight-charts';
import type { ChartOptions, DeepPartial, IChartApi } from 'lightweight-charts';

export type LW = typeof LightweightCharts;

export interface ChartHandle {
  chart: IChartApi;
  lw: LW;
}

/** The console's chart look (dark panel, mono axis labels, resizable panes). */
export function baseChartOptions(lw: LW): DeepPartial<ChartOptions> {
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

export interface LightweightChartState {
  containerRef: RefObject<HTMLDivElement | null>;
  /** The chart once created (lightweight-charts is loaded in the browser only); null before and after. */
  handle: ChartHandle | null;
  error: Error | null;
}

/** Creates one chart in `containerRef` on mount and removes it on unmount. */
export function useLightweightChart(): LightweightChartState {
  const containerRef = useRef<HTMLDivElement>(null);
  const [handle, setHandle] = useState<ChartHandle | null>(null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    let disposed = false;
    let created: IChartApi | null = null;
    import('lightweight-charts')
      .then((lw) => {
        const el = containerRef.current;
        if (disposed || !el) return;
        created = lw.createChart(el, baseChartOptions(lw));
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
