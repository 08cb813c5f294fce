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

  it('keeps live bars the source does not have yet across the age reload, and only then', async () => {
    let now = 0;
    const stored: Record<string, number[]> = { SPY: [1, 2, 3] };
    const store = new BarStore(countingSource(stored), () => now, 1000);
    const first = await store.get('SPY', '1d');
    const day = (i: number) => Date.UTC(2020, 0, 1 + i);
    for (const [i, close] of [
      [3, 4],
      [4, 5],
    ] as const)
      await store.append('SPY', '1d', {
        ts: day(i),
        open: close,
        high: close,
        low: close,
        close,
        volume: null,
      });
    // The persister has stored the first live bar only.
    stored.SPY = [1, 2, 3, 4];
    now = 1500;
    const reloaded = await store.get('SPY', '1d');
    expect(reloaded).not.toBe(first);
    expect([...reloaded.bars.close]).toEqual([1, 2, 3, 4, 5]);
    expect([...reloaded.bars.ts]).toEqual([0, 1, 2, 3, 4].map(day));
    // An invalidation (an import announcing bars) drops them on purpose: the source is the truth.
    store.invalidate('SPY', '1d');
    expect([...(await store.get('SPY', '1d')).bars.close]).toEqual([1, 2, 3, 4]);
  });

  it('rejects an unknown symbol and does not cache the failure', async () => {
    const store = new BarStore(countingSource({ SPY: [1] }), () => 0);
    await expect(store.get('NOPE', '1d')).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(store.get('NOPE', '1d')).rejects.toThrow('unknown symbol: NOPE');
  });
});

describe('BarStore.append', () => {
  const day = (i: number) => Date.UTC(2020, 0, 1 + i);
  const bar = (i: number, close: number) => ({
    ts: day(i),
    open: close,
    high: close,
    low: close,
    close,
    volume: null,
  });

  it('appends in place, grows past the loaded length and tells the listeners', async () => {
    const store = new BarStore(countingSource({ SPY: [1, 2, 3] }), () => 0);
    const seen: number[] = [];
    store.onAppend((_, index) => seen.push(index));
    const series = await store.get('SPY', '1d');
    const before = series.version;
    for (let i = 3; i < 200; i++) {
      const out = await store.append('SPY', '1d', bar(i, i + 1));
      expect(out.status).toBe('appended');
    }
    expect(series.bars.ts.length).toBe(200);
    expect(Array.from(series.bars.close.subarray(0, 5))).toEqual([1, 2, 3, 4, 5]);
    expect(series.bars.close[199]).toBe(200);
    expect(series.version).not.toBe(before);
    expect(seen).toHaveLength(197);
    expect(seen[0]).toBe(3);
    expect(store.appendStats.appended).toBe(197);
  });

  it('changes nothing for a duplicate or an out-of-order bar, and counts each', async () => {
    const store = new BarStore(countingSource({ SPY: [1, 2, 3] }), () => 0);
    const series = await store.get('SPY', '1d');
    const version = series.version;
    expect((await store.append('SPY', '1d', bar(2, 3))).status).toBe('duplicate');
    expect((await store.append('SPY', '1d', bar(1, 2))).status).toBe('duplicate');
    expect((await store.append('SPY', '1d', bar(2, 3.5))).status).toBe('out_of_order');
    expect((await store.append('SPY', '1d', { ...bar(1, 2), ts: day(1) - 1 })).status).toBe('out_of_order');
    expect(series.bars.ts.length).toBe(3);
    expect(series.version).toBe(version);
    expect(store.appendStats).toEqual({ appended: 0, duplicate: 2, outOfOrder: 2 });
  });

  it('a replay cut-off hides later stored bars until they are appended, and advances with them', async () => {
    const calls: Array<number | undefined> = [];
    const closes = [1, 2, 3, 4, 5];
    const source: BarSource = {
      async findInstrument() {
        return { id: 1 };
      },
      async loadColumns(_id, _tf, untilMs) {
        calls.push(untilMs);
        const all = bars(closes);
        const n = untilMs === undefined ? closes.length : all.ts.filter((t) => t <= untilMs).length;
        return bars(closes.slice(0, n));
      },
    };
    const store = new BarStore(source, () => 0);
    store.hideAfter('SPY', '1d', day(2));
    expect((await store.get('SPY', '1d')).bars.ts.length).toBe(3);
    expect((await store.append('SPY', '1d', bar(3, 4))).status).toBe('appended');
    expect(store.cutoff('SPY', '1d')).toBe(day(3));
    store.invalidate('SPY', '1d');
    expect((await store.get('SPY', '1d')).bars.ts.length).toBe(4);
    store.showAll('SPY', '1d');
    expect((await store.get('SPY', '1d')).bars.ts.length).toBe(5);
    expect(calls).toEqual([day(2), day(3), undefined]);
  });
});
