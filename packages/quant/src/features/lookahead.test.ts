import { describe, expect, it } from 'vitest';
import type { BarColumns } from './bars';
import { computeFeatureSeries } from './compute';
import { featureNames, type FeatureSeries } from './feature-names';
import { checkLookahead, featureValuesEqual, mulberry32, sampleIndices } from './lookahead';
import { loadBtc1m, loadNvda, loadSpy } from './testing/real-data';

const series: Array<[string, BarColumns]> = [
  ['SPY daily', loadSpy().bars],
  ['NVDA daily', loadNvda().bars],
  ['UNITTEST_BTC 1m', loadBtc1m()],
];

/** Every index in the warm-up zone (0..59), 300 seeded random ones, and the last bar. */
function denseSample(n: number, seed: number): number[] {
  const idx = new Set([...Array.from({ length: 60 }, (_, i) => i), ...sampleIndices(n, 300, seed), n - 1]);
  return [...idx].sort((a, b) => a - b);
}

describe('checkLookahead on real data', () => {
  for (const [name, bars] of series) {
    it(`finds no lookahead in any feature on ${name}`, () => {
      const indices = denseSample(bars.ts.length, 42);
      expect(indices.length).toBeGreaterThanOrEqual(340);
      const report = checkLookahead(bars, { sampleIndices: indices });
      expect(report.violations).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.checked).toBe(indices.length);
    });
  }
});

describe('checkLookahead catches leaky features', () => {
  const [, bars] = series[1]!; // NVDA: has volume, so every feature is live
  const n = bars.ts.length;
  const indices = [...Array.from({ length: 40 }, (_, i) => i), ...sampleIndices(n, 60, 7)];

  function leakyWith(patch: (bars: BarColumns, s: FeatureSeries) => Partial<FeatureSeries>) {
    return (b: BarColumns): FeatureSeries => {
      const s = computeFeatureSeries(b);
      return { ...s, ...patch(b, s) };
    };
  }

  it('catches a next-bar return posing as logReturn1', () => {
    const compute = leakyWith((b) => {
      const c = b.close;
      const out = new Float64Array(c.length).fill(NaN);
      for (let t = 0; t + 1 < c.length; t++) out[t] = Math.log(c[t + 1]! / c[t]!);
      return { logReturn1: out };
    });
    const report = checkLookahead(bars, { sampleIndices: indices, compute });
    expect(report.ok).toBe(false);
    expect(new Set(report.violations.map((v) => v.feature))).toEqual(new Set(['logReturn1']));
    // Truncated at t, the next bar does not exist; in the full history it does.
    const v = report.violations.find((x) => x.index === 10)!;
    expect(Number.isNaN(v.truncated)).toBe(true);
    expect(v.full).toBeCloseTo(Math.log(bars.close[11]! / bars.close[10]!), 12);
    expect(report.violations.length).toBe(indices.filter((t) => t < n - 1).length);
  });

  it('catches a centred moving average posing as bollingerPctB', () => {
    const compute = leakyWith((b) => {
      const c = b.close;
      const out = new Float64Array(c.length).fill(NaN);
      for (let t = 2; t + 2 < c.length; t++) {
        const ma = (c[t - 2]! + c[t - 1]! + c[t]! + c[t + 1]! + c[t + 2]!) / 5;
        out[t] = c[t]! / ma - 1;
      }
      return { bollingerPctB: out };
    });
    const report = checkLookahead(bars, { sampleIndices: indices, compute });
    expect(report.ok).toBe(false);
    expect([...new Set(report.violations.map((v) => v.feature))]).toEqual(['bollingerPctB']);
    expect(report.violations.map((v) => v.index)).toEqual(indices.filter((t) => t >= 2 && t + 2 < n));
  });

  it('catches a full-sample normalisation (finite on both sides, different values)', () => {
    // z-score of volume with the mean/std of the WHOLE history: a classic silent leak.
    const compute = leakyWith((b) => {
      const v = b.volume!;
      const mean = v.reduce((a, x) => a + x, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1));
      return { volumeZ20: v.map((x) => (x - mean) / sd) };
    });
    const report = checkLookahead(bars, { sampleIndices: indices, compute });
    expect([...new Set(report.violations.map((v) => v.feature))]).toEqual(['volumeZ20']);
    // (At t = 0 the truncated history has one volume, so its sd is NaN; elsewhere both are finite.)
    const later = report.violations.filter((v) => v.index > 0);
    expect(later.every((v) => Number.isFinite(v.truncated) && Number.isFinite(v.full))).toBe(true);
    expect(report.violations.length).toBeGreaterThan(indices.length - 2);
  });

  it('rejects out-of-range sample indices', () => {
    expect(() => checkLookahead(bars, { sampleIndices: [n] })).toThrow(RangeError);
    expect(() => checkLookahead(bars, { sampleIndices: [-1] })).toThrow(RangeError);
  });
});

describe('featureValuesEqual', () => {
  it('treats NaN = NaN, NaN ≠ number, and uses a relative + absolute tolerance', () => {
    expect(featureValuesEqual(NaN, NaN)).toBe(true);
    expect(featureValuesEqual(NaN, 0)).toBe(false);
    expect(featureValuesEqual(1e-12, 0)).toBe(true);
    expect(featureValuesEqual(1e6, 1e6 + 1e-4)).toBe(true);
    expect(featureValuesEqual(1e6, 1e6 + 1e-2)).toBe(false);
    expect(featureValuesEqual(0.5, 0.5 + 1e-6, 1e-9)).toBe(false);
  });
});

describe('sampleIndices', () => {
  it('is deterministic, sorted, distinct and in range', () => {
    const a = sampleIndices(10_000, 500, 123);
    expect(a).toEqual(sampleIndices(10_000, 500, 123));
    expect(a).not.toEqual(sampleIndices(10_000, 500, 124));
    expect(a).toHaveLength(500);
    expect(new Set(a).size).toBe(500);
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThan(a[i - 1]!);
    expect(a[0]!).toBeGreaterThanOrEqual(0);
    expect(a[a.length - 1]!).toBeLessThan(10_000);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    expect(Math.abs(mean - 5000)).toBeLessThan(500); // roughly uniform
  });

  it('returns every index when count ≥ n, and nothing for n = 0', () => {
    expect(sampleIndices(5, 64, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleIndices(0, 10, 1)).toEqual([]);
    expect(sampleIndices(100, 0, 1)).toEqual([]);
  });

  it('mulberry32 is a deterministic stream in [0, 1)', () => {
    const r1 = mulberry32(1);
    const r2 = mulberry32(1);
    for (let i = 0; i < 1000; i++) {
      const x = r1();
      expect(x).toBe(r2());
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});

it('covers every feature name in the violations it can report', () => {
  // A compute that shifts every column by one bar leaks in every feature.
  const bars = series[1]![1];
  const leaky = (b: BarColumns): FeatureSeries => {
    const s = computeFeatureSeries(b);
    const out = {} as FeatureSeries;
    for (const name of featureNames) {
      const shifted = new Float64Array(s[name].length).fill(NaN);
      shifted.set(s[name].subarray(1));
      out[name] = shifted;
    }
    return out;
  };
  const report = checkLookahead(bars, { sampleIndices: [100, 2000], compute: leaky });
  expect(new Set(report.violations.map((v) => v.feature))).toEqual(new Set(featureNames));
});
