import { readFileSync } from 'node:fs';
import { featureVectorAt, mulberry32, sliceBars, type BarColumns } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { BarStore, type BarSource } from './bar-store';
import { FeatureService, NoDataError } from './feature-service';
import { LeakageMonitor, type LeakageAlarm } from './leakage-monitor';

/** SPY daily closes from ../shared/data (close-only: open = high = low = close, no volume). */
function loadSpy(): BarColumns {
  const file = new URL('../../../../../shared/data/daily/spy_prices.csv', import.meta.url);
  const rows = readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(1);
  const ts = Float64Array.from(rows, (r) => Date.parse(`${r.split(',')[0]}T00:00:00Z`));
  const close = Float64Array.from(rows, (r) => Number(r.split(',')[1]));
  return { ts, open: close, high: close, low: close, close, volume: null };
}

const spy = loadSpy();
const HISTORY = 6000;

function harness(history: BarColumns = sliceBars(spy, HISTORY)) {
  const source: BarSource & { loads: number } = {
    loads: 0,
    async findInstrument(symbol) {
      return symbol === 'SPY' ? { id: 1 } : null;
    },
    async loadColumns() {
      source.loads++;
      return history;
    },
  };
  const bars = new BarStore(source, () => 0);
  const alarms: LeakageAlarm[] = [];
  const leakage = new LeakageMonitor(
    0,
    () => 0,
    (a) => alarms.push(a),
    () => 0,
  );
  const features = new FeatureService(bars, leakage);
  return { source, bars, features, leakage, alarms };
}

const barAt = (i: number) => ({
  ts: spy.ts[i]!,
  open: spy.close[i]!,
  high: spy.close[i]!,
  low: spy.close[i]!,
  close: spy.close[i]!,
  volume: null,
});

describe('FeatureService', () => {
  it('loads a series once (source "load"), then answers every asOf from memory as the truncated history would', async () => {
    const { source, features } = harness();
    const asOf = spy.ts[4000]! + 3_600_000; // inside the day after bar 4000's close time
    expect(features.vectorFromMemory('SPY', '1d', asOf)).toBeUndefined();
    const first = await features.vector('SPY', '1d', asOf);
    expect(first.source).toBe('load');
    expect(first.barTime).toBe(new Date(spy.ts[4000]!).toISOString());
    expect(first.values).toEqual(featureVectorAt(spy, 4000));

    const random = mulberry32(15);
    for (let k = 0; k < 200; k++) {
      const i = Math.floor(random() * HISTORY);
      const v = features.vectorFromMemory('SPY', '1d', spy.ts[i]!)!;
      expect(v.source).toBe('memory');
      expect(v.values).toEqual(featureVectorAt(spy, i));
    }
    expect(source.loads).toBe(1);
    expect(features.served).toEqual({ memory: 200, load: 1 });
    expect(features.stats()).toMatchObject({ builds: 1, barsPushed: 0 });
    // Nine Float64 columns over the loaded bars, plus an eighth of room for live bars.
    expect(features.stats().columnBytes).toBe((HISTORY + 64 + (HISTORY >> 3)) * 9 * 8);
  });

  it('advances on each appended bar: the first vector on a new bar is already computed', async () => {
    const { bars, features } = harness();
    await features.vector('SPY', '1d', spy.ts[0]!);
    for (let i = HISTORY; i < spy.ts.length; i++) {
      const outcome = await bars.append('SPY', '1d', barAt(i));
      expect(outcome.status).toBe('appended');
      expect(features.stats().barsPushed).toBe(i - HISTORY + 1); // pushed by the listener, before any read
      if (i % 25 !== 0 && i !== spy.ts.length - 1) continue;
      const v = features.vectorFromMemory('SPY', '1d', spy.ts[i]!)!;
      expect(v.source).toBe('memory');
      expect(v.values).toEqual(featureVectorAt(sliceBars(spy, i + 1), i));
    }
    expect(features.stats().builds).toBe(1);
  });

  it('a duplicate or out-of-order bar changes no vector', async () => {
    const { bars, features } = harness();
    await bars.append('SPY', '1d', barAt(HISTORY));
    const before = features.vectorFromMemory('SPY', '1d', spy.ts[HISTORY]!)!;
    expect((await bars.append('SPY', '1d', barAt(HISTORY))).status).toBe('duplicate');
    expect((await bars.append('SPY', '1d', { ...barAt(HISTORY - 1), close: 1 })).status).toBe('out_of_order');
    expect(features.vectorFromMemory('SPY', '1d', spy.ts[HISTORY]!)).toEqual(before);
    expect(features.vectorFromMemory('SPY', '1d', spy.ts[HISTORY - 1]!)!.values).toEqual(
      featureVectorAt(spy, HISTORY - 1),
    );
    expect(features.stats()).toMatchObject({ builds: 1, barsPushed: 0 });
  });

  it('rebuilds for a reloaded series (a new series object)', async () => {
    const { bars, features, source } = harness();
    await features.vector('SPY', '1d', spy.ts[100]!);
    bars.invalidate('SPY', '1d');
    const again = await features.vector('SPY', '1d', spy.ts[100]!);
    expect(again.source).toBe('load');
    expect(again.values).toEqual(featureVectorAt(spy, 100));
    expect(source.loads).toBe(2);
    expect(features.stats().builds).toBe(2);
  });

  it('series() reads the columns for a time range', async () => {
    const { features } = harness();
    const from = spy.ts[3000]!;
    const to = spy.ts[3252]!;
    const s = await features.series('SPY', '1d', from, to);
    expect(s.times).toHaveLength(253);
    expect(s.times[0]).toBe(new Date(from).toISOString());
    const rsi = s.features.find((f) => f.name === 'rsi14')!.values;
    expect(rsi[252]).toBe(featureVectorAt(spy, 3252).rsi14);
    expect((await features.series('SPY', '1d', to + 1, to)).times).toEqual([]);
  });

  it('reports no data before the first bar, and a bar the features refuse on the next read', async () => {
    const { bars, features } = harness();
    await expect(features.vector('SPY', '1d', spy.ts[0]! - 1)).rejects.toThrow(NoDataError);
    expect(() => features.vectorFromMemory('SPY', '1d', spy.ts[0]! - 1)).toThrow(NoDataError);
    // The bar store only orders; a zero close reaching it is refused by the features, not the append.
    const bad = { ...barAt(HISTORY), close: 0, open: 0, high: 0, low: 0 };
    expect((await bars.append('SPY', '1d', bad)).status).toBe('appended');
    expect(() => features.vectorFromMemory('SPY', '1d', spy.ts[HISTORY]!)).toThrow(/close\[6000\] = 0/);
  });

  it('the production leakage check finds nothing on vectors served after appends', async () => {
    const { bars, features, alarms } = harness();
    const monitor = new LeakageMonitor(
      1,
      () => 0,
      (a) => alarms.push(a),
      () => 0,
    );
    await features.vector('SPY', '1d', spy.ts[10]!);
    for (let i = HISTORY; i < HISTORY + 30; i++) {
      await bars.append('SPY', '1d', barAt(i));
      const series = bars.peek('SPY', '1d')!;
      const served = features.vectorFromMemory('SPY', '1d', spy.ts[i]!)!;
      monitor.check(series, i, served.values);
      monitor.check(series, i - 1000, features.vectorFromMemory('SPY', '1d', spy.ts[i - 1000]!)!.values);
    }
    expect(monitor.checked).toBe(60);
    expect(alarms).toEqual([]);
  });
});
