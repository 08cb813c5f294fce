import { describe, expect, it } from 'vitest';
import { seriesVersion } from '@tradeplane/contracts';
import { BarStore, lastIndexAtOrBefore, UnknownSymbolError, type BarSource } from './bar-store';

const bars = (closes: number[]) => {
  const ts = Float64Array.from(closes, (_, i) => Date.UTC(2020, 0, 1 + i));
  const close = Float64Array.from(closes);
  return { ts, open: close, high: close, low: close, close, volume: null };
};

function countingSource(series: Record<string, number[]>): BarSource & { loads: number } {
  const ids = Object.keys(series);
  const source = {
    loads: 0,
    async findInstrument(symbol: string) {
      const id = ids.indexOf(symbol);
      return id < 0 ? null : { id };
    },
    async loadColumns(id: number) {
      source.loads++;
      return bars(series[ids[id]!]!);
    },
  };
  return source;
}

describe('lastIndexAtOrBefore', () => {
  const ts = Float64Array.from([10, 20, 30]);
  it('finds the last bar at or before asOf, never a later one', () => {
    expect(lastIndexAtOrBefore(ts, 5)).toBe(-1);
    expect(lastIndexAtOrBefore(ts, 10)).toBe(0);
    expect(lastIndexAtOrBefore(ts, 29.9)).toBe(1);
    expect(lastIndexAtOrBefore(ts, 30)).toBe(2);
    expect(lastIndexAtOrBefore(ts, 1e15)).toBe(2);
    expect(lastIndexAtOrBefore(new Float64Array(0), 1)).toBe(-1);
  });
});

describe('seriesVersion', () => {
  it('changes when any bar changes and is stable otherwise', () => {
    const a = seriesVersion(bars([1, 2, 3]));
    expect(seriesVersion(bars([1, 2, 3]))).toBe(a);
    expect(seriesVersion(bars([1, 2, 3.0001]))).not.toBe(a);
    expect(seriesVersion(bars([1, 2, 3, 4]))).not.toBe(a);
  });
});

describe('BarStore', () => {
  it('loads a series once for concurrent first requests', async () => {
    const source = countingSource({ SPY: [1, 2, 3] });
    const store = new BarStore(source, () => 0);
    const [a, b] = await Promise.all([store.get('SPY', '1d'), store.get('SPY', '1d')]);
    expect(a).toBe(b);
    expect(source.loads).toBe(1);
  });

  it('reloads after invalidate and after the maximum age', async () => {
    let now = 0;
    const source = countingSource({ SPY: [1, 2, 3] });
    const store = new BarStore(source, () => now, 1000);
    await store.get('SPY', '1d');
    store.invalidate('SPY', '1d');
    await store.get('SPY', '1d');
    expect(source.loads).toBe(2);
    now = 5000;
    await store.get('SPY', '1d');
    expect(source.loads).toBe(3);
  });

  it('rejects an unknown symbol and does not cache the failure', async () => {
    const store = new BarStore(countingSource({ SPY: [1] }), () => 0);
    await expect(store.get('NOPE', '1d')).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(store.get('NOPE', '1d')).rejects.toThrow('unknown symbol: NOPE');
  });
});
