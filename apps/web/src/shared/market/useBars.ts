'use client';

import { useEffect, useState } from 'react';
import { request } from '../graphql/client';
import { BARS, type Bar, type BarsPage } from './bars';

export const BARS_PAGE_SIZE = 5000;

export interface BarsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  bars: Bar[];
  /** Bars received so far (equals bars.length once ready). */
  loaded: number;
  /** totalCount reported by the gateway, when known. */
  total: number | null;
  error: Error | null;
}

const IDLE: BarsState = { status: 'idle', bars: [], loaded: 0, total: null, error: null };

/** Loads every bar of (symbol, timeframe) by paging `bars(first: 5000, after)` until hasNextPage is false. */
export function useAllBars(symbol: string | null, timeframe: string | null, reloadToken = 0): BarsState {
  const [tagged, setTagged] = useState<{ key: string; state: BarsState }>({ key: '', state: IDLE });
  const key = symbol && timeframe ? `${symbol}\u0000${timeframe}\u0000${reloadToken}` : '';

  useEffect(() => {
    const setState = (next: BarsState | ((prev: BarsState) => BarsState)) =>
      setTagged((prev) => ({ key, state: typeof next === 'function' ? next(prev.state) : next }));
    if (!symbol || !timeframe) {
      setState(IDLE);
      return;
    }
    const controller = new AbortController();
    setState({ status: 'loading', bars: [], loaded: 0, total: null, error: null });

    (async () => {
      const bars: Bar[] = [];
      let after: string | null = null;
      let total: number | null = null;
      for (;;) {
        const res: { bars: BarsPage } = await request(
          BARS,
          { symbol, timeframe, first: BARS_PAGE_SIZE, after },
          { signal: controller.signal },
        );
        const page = res.bars;
        for (const edge of page.edges) bars.push(edge.node);
        total = page.totalCount;
        if (controller.signal.aborted) return;
        if (!page.pageInfo.hasNextPage) break;
        const next = page.pageInfo.endCursor;
        if (!next || next === after || page.edges.length === 0) {
          throw new Error('The gateway reported more bars but returned no usable cursor; stopped paging.');
        }
        after = next;
        setState({ status: 'loading', bars: [], loaded: bars.length, total, error: null });
      }
      setState({ status: 'ready', bars, loaded: bars.length, total, error: null });
    })().catch((err: unknown) => {
      if (controller.signal.aborted) return;
      setState((prev) => ({
        status: 'error',
        bars: [],
        loaded: prev.loaded,
        total: prev.total,
        error: err instanceof Error ? err : new Error(String(err)),
      }));
    });

    return () => controller.abort();
  }, [key, symbol, timeframe]); // `key` also encodes reloadToken

  // Until the effect for a new (symbol, timeframe) has run, never report the previous selection's bars.
  if (tagged.key !== key) return key ? { ...IDLE, status: 'loading' } : IDLE;
  return tagged.state;
}
