import { describe, expect, it } from 'vitest';
import { sliceBars } from './bars';
import { computeFeatureSeries } from './compute';
import { featureNames } from './feature-names';
import { IncrementalFeatures } from './incremental';
import { vectorFromSeries } from './vector';
import { loadNvda, loadSpy } from './testing/real-data';

const nvda = loadNvda().bars;

describe('IncrementalFeatures', () => {
  it('pushed bar by bar from capacity 1, equals one pass over the history', () => {
    const bars = sliceBars(nvda, 1500);
    const streamed = new IncrementalFeatures(true, 1);
    streamed.pushRange(bars, 0, 700);
    streamed.pushRange(bars, 700, 1500);
    const batch = IncrementalFeatures.fromBars(bars);
    expect(streamed.length).toBe(1500);
    for (const name of featureNames) expect(streamed.series()[name]).toEqual(batch.series()[name]);
    expect(streamed.byteLength).toBe(2048 * 8 * featureNames.length); // capacity doubled from 1
    expect(batch.byteLength).toBe(1500 * 8 * featureNames.length);
  });

  it('vectorAt / valueAt read the column at an index, null / NaN where undefined', () => {
    const state = IncrementalFeatures.fromBars(nvda);
    const full = computeFeatureSeries(nvda);
    for (const t of [0, 13, 14, 33, 2000, nvda.ts.length - 1]) {
      expect(state.vectorAt(t)).toEqual(vectorFromSeries(full, t));
      expect(state.valueAt('rsi14', t)).toBe(full.rsi14[t]);
    }
    expect(state.vectorAt(0).logReturn1).toBeNull();
    expect(Number.isNaN(state.valueAt('macdHist', 32))).toBe(true);
    expect(state.valueAt('macdHist', 33)).toEqual(expect.any(Number));
    for (const bad of [-1, nvda.ts.length, 0.5]) {
      expect(() => state.vectorAt(bad)).toThrow(RangeError);
      expect(() => state.valueAt('drawdown', bad)).toThrow(RangeError);
    }
  });

  it('series() views keep their values after more bars are pushed (and the columns grow)', () => {
    const state = new IncrementalFeatures(false, 4);
    const spy = loadSpy().bars;
    state.pushRange(spy, 0, 40);
    const before = state.series();
    const copy = Float64Array.from(before.rsi14);
    state.pushRange(spy, 40, 400);
    expect(before.rsi14).toHaveLength(40);
    expect(before.rsi14).toEqual(copy);
    expect(state.series().rsi14.subarray(0, 40)).toEqual(copy);
  });

  it('refuses a bar that is not after the last one, or a close that is not finite and > 0, changing nothing', () => {
    const state = new IncrementalFeatures(true);
    state.pushRange(nvda, 0, 30);
    const last = nvda.ts[29]!;
    expect(() => state.push(last, 10, 1)).toThrow(/ts .* is not after/);
    expect(() => state.push(last - 1, 10, 1)).toThrow(RangeError);
    for (const close of [0, -1, NaN, Infinity]) {
      expect(() => state.push(last + 1, close, 1)).toThrow(/close .* is not finite and > 0/);
    }
    expect(state.length).toBe(30);
    state.pushRange(nvda, 30, 60);
    const batch = computeFeatureSeries(sliceBars(nvda, 60));
    for (const name of featureNames) expect(state.series()[name]).toEqual(batch[name]);
  });

  it('a null volume is a missing volume: volumeZ20 is NaN for the 20 bars whose window holds it', () => {
    const bars = sliceBars(nvda, 80);
    const state = new IncrementalFeatures(true);
    state.pushRange(bars, 0, 50);
    state.push(bars.ts[50]!, bars.close[50]!, null);
    state.pushRange(bars, 51, 80);
    const z = state.series().volumeZ20;
    for (let t = 50; t < 70; t++) expect(Number.isNaN(z[t]!)).toBe(true);
    expect(Number.isFinite(z[49]!) && Number.isFinite(z[70]!)).toBe(true);
  });

  it('without a volume column, volumeZ20 is NaN everywhere and the rest is unaffected', () => {
    const withVolume = IncrementalFeatures.fromBars(sliceBars(nvda, 300)).series();
    const without = IncrementalFeatures.fromBars({ ...sliceBars(nvda, 300), volume: null }).series();
    expect(without.volumeZ20.every(Number.isNaN)).toBe(true);
    for (const name of featureNames.filter((f) => f !== 'volumeZ20')) {
      expect(without[name]).toEqual(withVolume[name]);
    }
  });
});
