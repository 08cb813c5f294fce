import { describe, expect, it } from 'vitest';
import { computeFeatureSeries } from './compute';
import { featureNames } from './feature-names';
import { sampleIndices } from './lookahead';
import { loadBtc1m, loadNvda, loadSpy } from './testing/real-data';
import { featureVectorAt, vectorFromSeries } from './vector';

describe('featureVectorAt', () => {
  for (const [name, bars] of [
    ['SPY', loadSpy().bars],
    ['NVDA', loadNvda().bars],
    ['BTC 1m', loadBtc1m()],
  ] as const) {
    it(`equals the full series at sampled bars (${name}), null for NaN`, () => {
      const full = computeFeatureSeries(bars);
      const n = bars.ts.length;
      for (const t of [0, 13, 14, 19, 33, ...sampleIndices(n, 40, 99), n - 1]) {
        const v = featureVectorAt(bars, t);
        expect(Object.keys(v)).toEqual([...featureNames]);
        for (const f of featureNames) {
          const x = full[f][t]!;
          if (Number.isFinite(x)) expect(v[f], `${f}@${t}`).toBeCloseTo(x, 12);
          else expect(v[f], `${f}@${t}`).toBeNull();
        }
      }
    });
  }

  it('at bar 0 only drawdown is defined (0)', () => {
    const v = featureVectorAt(loadNvda().bars, 0);
    expect(v.drawdown).toBe(0);
    for (const f of featureNames) if (f !== 'drawdown') expect(v[f]).toBeNull();
  });

  it('rejects indices outside the series', () => {
    const bars = loadNvda().bars;
    expect(() => featureVectorAt(bars, -1)).toThrow(RangeError);
    expect(() => featureVectorAt(bars, bars.ts.length)).toThrow(RangeError);
    expect(() => featureVectorAt(bars, 1.5)).toThrow(RangeError);
  });

  it('vectorFromSeries maps NaN to null', () => {
    const s = computeFeatureSeries(loadSpy().bars);
    expect(vectorFromSeries(s, 100).volumeZ20).toBeNull();
    expect(vectorFromSeries(s, 100).logReturn1).toBe(s.logReturn1[100]);
  });
});
