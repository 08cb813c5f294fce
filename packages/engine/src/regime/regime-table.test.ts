import { createLogger } from '@tradeplane/platform';
import {
  forwardFilter,
  regimeObservations,
  regimeProbabilities,
  smoothRegimeProbabilities,
  type BarColumns,
  type HmmParams,
} from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { RegimeService, type RegimeSeries } from './regime-service';
import { RegimeTable, type StoredRegimeModel } from './regime-table';

const DAY = 86_400_000;
const T0 = Date.UTC(2010, 0, 4);

function bars(n: number): BarColumns {
  let seed = 7;
  const noise = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.03;
  const close = new Float64Array(n);
  close[0] = 100;
  // Calm rise, a volatile fall, then a flat stretch: all three regimes appear.
  for (let t = 1; t < n; t++) {
    const drift = t < n / 3 ? 0.002 : t < (2 * n) / 3 ? -0.003 : 0;
    const vol = t < n / 3 ? 0.3 : t < (2 * n) / 3 ? 1.5 : 0.6;
    close[t] = close[t - 1]! * (1 + drift + noise() * vol);
  }
  return {
    ts: Float64Array.from({ length: n }, (_, t) => T0 + t * DAY),
    open: close,
    high: close,
    low: close,
    close,
    volume: null,
  };
}

const hmm: HmmParams = {
  pi: [1 / 3, 1 / 3, 1 / 3],
  transition: [
    [0.98, 0.01, 0.01],
    [0.01, 0.98, 0.01],
    [0.01, 0.01, 0.98],
  ],
  means: [
    [0.002, 0.005],
    [-0.003, 0.02],
    [0, 0.009],
  ],
  vars: [
    [1e-4, 1e-5],
    [4e-4, 1e-4],
    [1e-4, 1e-5],
  ],
};
const model = {
  version: '00000000-0000-4000-8000-000000000001',
  symbol: 'SPY',
  timeframe: '1d',
  params: { ...hmm, labels: ['bull', 'bear', 'sideways'], volWindow: 20 },
};

describe('RegimeTable', () => {
  const series = bars(300);
  const table = RegimeTable.fromModel(model, series);

  it('serves the causally smoothed P(regime | bars ≤ asOf): equal to smoothing only the bars up to asOf', () => {
    for (const t of [20, 21, 57, 150, 299]) {
      const prefix = series.close.subarray(0, t + 1);
      const { obs } = regimeObservations(prefix, 20);
      const filtered = regimeProbabilities(forwardFilter(obs, hmm), ['bull', 'bear', 'sideways']);
      const smoothed = smoothRegimeProbabilities(filtered, 10).at(-1)!;
      // A time inside the day (after the bar, before the next) reads the same bar.
      const asOf = series.ts[t]! + 5 * 3_600_000;
      const point = table.at(asOf);
      expect(point.barTime).toBe(new Date(series.ts[t]!).toISOString());
      expect(point.bull).toBeCloseTo(smoothed.bull, 12);
      expect(point.bear).toBeCloseTo(smoothed.bear, 12);
      expect(point.sideways).toBeCloseTo(smoothed.sideways, 12);
      expect(point.bull + point.bear + point.sideways).toBeCloseTo(1, 12);
      expect(point.note).toBeNull();
      const v = table.variantsAt(asOf);
      expect(v.smoothed).toBe(point);
      expect(v.filtered.bear).toBeCloseTo(filtered.at(-1)!.bear, 12);
      expect(v.filtered.barTime).toBe(point.barTime);
    }
    expect(table.source).toMatchObject({
      model: model.version,
      symbol: 'SPY',
      bars: 280,
      halfLife: 10,
      note: null,
    });
    expect(table.at(series.ts[150]!).bear).toBeGreaterThan(0.5); // inside the volatile fall
  });

  it('gives the hard switch as a one-hot of the filtered argmax (ties in bull, bear, sideways order)', () => {
    for (const t of [25, 100, 150, 250]) {
      const { filtered, hard } = table.variantsAt(series.ts[t]!);
      const best = (['bull', 'bear', 'sideways'] as const).reduce((a, l) =>
        filtered[l] > filtered[a] ? l : a,
      );
      expect(hard[best]).toBe(1);
      expect(hard.bull + hard.bear + hard.sideways).toBe(1);
    }
    const early = table.variantsAt(series.ts[3]!);
    expect(early.hard).toMatchObject({ bull: 1 / 3, barTime: null });
  });

  it('uses the half-life stored with the model; models stored without one use the default 10', () => {
    const five = RegimeTable.fromModel(
      { ...model, params: { ...model.params, smoothingHalfLife: 5 } },
      series,
    );
    expect(five.source.halfLife).toBe(5);
    const { obs } = regimeObservations(series.close, 20);
    const filtered = regimeProbabilities(forwardFilter(obs, hmm), ['bull', 'bear', 'sideways']);
    expect(five.at(series.ts[299]!).bull).toBeCloseTo(
      smoothRegimeProbabilities(filtered, 5).at(-1)!.bull,
      12,
    );
    expect(() =>
      RegimeTable.fromModel({ ...model, params: { ...model.params, smoothingHalfLife: 0 } }, series),
    ).toThrow(/params\.smoothingHalfLife/);
  });

  it('appending bar by bar gives exactly the rows of a rebuild over the longer series', () => {
    const short = sliceBars(series, 200);
    const grown = RegimeTable.fromModel(model, short);
    for (let i = 200; i < 300; i++) grown.append(series.ts[i]!, series.close[i]!);
    expect(grown.closes).toBe(300);
    expect(grown.source.bars).toBe(280);
    for (let i = 0; i < 300; i++)
      expect(grown.variantsAt(series.ts[i]!)).toEqual(table.variantsAt(series.ts[i]!));
    expect(() => grown.append(series.ts[299]!, 100)).toThrow(/not after the last bar/);
    expect(() => RegimeTable.uniform('SPY', '1d', 'none').append(series.ts[0]!, 1)).toThrow(RangeError);
  });

  it('is uniform, with the reason, before the first filtered bar', () => {
    const early = table.at(series.ts[5]!);
    expect(early).toMatchObject({ bull: 1 / 3, bear: 1 / 3, sideways: 1 / 3, barTime: null });
    expect(early.note).toContain('before');
  });

  it('falls back to uniform 1/3 and says why', () => {
    const none = RegimeTable.uniform('SPY', '1d', 'no regime model is stored for SPY 1d');
    expect(none.variantsAt(Date.now()).filtered).toBe(none.at(Date.now()));
    expect(none.at(Date.now())).toEqual({
      bull: 1 / 3,
      bear: 1 / 3,
      sideways: 1 / 3,
      barTime: null,
      note: 'no regime model is stored for SPY 1d',
    });
    expect(none.source.model).toBeNull();
  });

  it('rejects unusable params or too few bars with a message naming the problem', () => {
    expect(() =>
      RegimeTable.fromModel({ ...model, params: { ...model.params, labels: undefined } }, series),
    ).toThrow(/params\.labels/);
    expect(() => RegimeTable.fromModel(model, bars(15))).toThrow(/more than 20 needed/);
  });
});

function sliceBars(b: BarColumns, n: number): BarColumns {
  return {
    ts: b.ts.slice(0, n),
    open: b.open.slice(0, n),
    high: b.high.slice(0, n),
    low: b.low.slice(0, n),
    close: b.close.slice(0, n),
    volume: null,
  };
}

/** A series object that grows in place, as the bar store's LoadedSeries does. */
function liveSeries(all: BarColumns, n: number): RegimeSeries {
  return { symbol: 'SPY', timeframe: '1d', bars: sliceBars(all, n), version: `v${n}` };
}

function grow(s: RegimeSeries, all: BarColumns): number {
  const n = s.bars.ts.length;
  s.bars = sliceBars(all, n + 1);
  s.version = `v${n + 1}`;
  return n;
}

describe('RegimeService', () => {
  const all = bars(300);
  const log = createLogger('test', 'silent');

  function service(stored: StoredRegimeModel | null, current: { series: RegimeSeries }) {
    return new RegimeService(
      { latestModel: async () => stored, bars: async () => current.series },
      'SPY',
      '1d',
      log,
    );
  }

  it('advances the table in place when the benchmark series gets its next bar (no rebuild)', async () => {
    const current = { series: liveSeries(all, 250) };
    const svc = service(model, current);
    await svc.refresh();
    const table = svc.table;
    for (let i = 0; i < 50; i++) {
      const index = grow(current.series, all);
      svc.onBarAppended(current.series, index);
      expect(svc.table).toBe(table);
      expect(svc.table.lastBarTime).toBe(new Date(all.ts[index]!).toISOString());
    }
    const rebuilt = RegimeTable.fromModel(model, all);
    expect(svc.table.variantsAt(all.ts[299]!)).toEqual(rebuilt.variantsAt(all.ts[299]!));
    // The poll's refresh sees the bars it already covers and keeps the table.
    await svc.refresh();
    expect(svc.table).toBe(table);
    // Another symbol's or timeframe's bars change nothing.
    svc.onBarAppended({ ...current.series, symbol: 'AAPL' }, 300);
    svc.onBarAppended({ ...current.series, timeframe: '1h' }, 300);
    expect(svc.table).toBe(table);
  });

  it('rebuilds from a truncated reload (a replay cut-off) and then follows the played bars', async () => {
    const current = { series: liveSeries(all, 300) };
    const svc = service(model, current);
    await svc.refresh();
    expect(svc.table.lastBarTime).toBe(new Date(all.ts[299]!).toISOString());
    // hideAfter + reload: the store now holds a new, shorter series object.
    current.series = liveSeries(all, 200);
    await svc.refresh();
    expect(svc.table.lastBarTime).toBe(new Date(all.ts[199]!).toISOString());
    expect(svc.table.at(all.ts[250]!).barTime).toBe(new Date(all.ts[199]!).toISOString());
    const index = grow(current.series, all);
    svc.onBarAppended(current.series, index);
    expect(svc.table.at(all.ts[250]!).barTime).toBe(new Date(all.ts[200]!).toISOString());

    // A reloaded series object the table was not built from is rebuilt from at once, on its append.
    const reloaded = liveSeries(all, 220);
    const at = grow(reloaded, all);
    svc.onBarAppended(reloaded, at);
    expect(svc.table.lastBarTime).toBe(new Date(all.ts[220]!).toISOString());
    expect(svc.table.variantsAt(all.ts[220]!)).toEqual(
      RegimeTable.fromModel(model, sliceBars(all, 221)).variantsAt(all.ts[220]!),
    );
  });

  it('without a stored model stays uniform on appends; a bar the model cannot use falls back with the reason', async () => {
    const current = { series: liveSeries(all, 100) };
    const none = service(null, current);
    await none.refresh();
    none.onBarAppended(current.series, grow(current.series, all));
    expect(none.table.source.model).toBeNull();

    const svc = service(model, current);
    await svc.refresh();
    const bad = current.series;
    const n = bad.bars.ts.length;
    bad.bars = { ...sliceBars(all, n + 1), close: Float64Array.from([...bad.bars.close, -1]) };
    bad.version = 'bad';
    svc.onBarAppended(bad, n);
    expect(svc.table.source).toMatchObject({
      model: null,
      note: expect.stringContaining('not finite and > 0'),
    });
  });
});
