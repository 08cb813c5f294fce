import {
  forwardFilter,
  regimeObservations,
  regimeProbabilities,
  type BarColumns,
  type HmmParams,
} from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { RegimeTable } from './regime-table';

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

  it('answers P(regime | bars ≤ asOf): equal to filtering only the bars up to asOf', () => {
    for (const t of [20, 21, 57, 150, 299]) {
      const prefix = series.close.subarray(0, t + 1);
      const { obs } = regimeObservations(prefix, 20);
      const expected = regimeProbabilities(forwardFilter(obs, hmm), ['bull', 'bear', 'sideways']).at(-1)!;
      // A time inside the day (after the bar, before the next) reads the same bar.
      const point = table.at(series.ts[t]! + 5 * 3_600_000);
      expect(point.barTime).toBe(new Date(series.ts[t]!).toISOString());
      expect(point.bull).toBeCloseTo(expected.bull, 12);
      expect(point.bear).toBeCloseTo(expected.bear, 12);
      expect(point.sideways).toBeCloseTo(expected.sideways, 12);
      expect(point.bull + point.bear + point.sideways).toBeCloseTo(1, 12);
      expect(point.note).toBeNull();
    }
    expect(table.source).toMatchObject({ model: model.version, symbol: 'SPY', bars: 280, note: null });
    expect(table.at(series.ts[150]!).bear).toBeGreaterThan(0.5); // inside the volatile fall
  });

  it('is uniform, with the reason, before the first filtered bar', () => {
    const early = table.at(series.ts[5]!);
    expect(early).toMatchObject({ bull: 1 / 3, bear: 1 / 3, sideways: 1 / 3, barTime: null });
    expect(early.note).toContain('before');
  });

  it('falls back to uniform 1/3 and says why', () => {
    const none = RegimeTable.uniform('SPY', '1d', 'no regime model is stored for SPY 1d');
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
