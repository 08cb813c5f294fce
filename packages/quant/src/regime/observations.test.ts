import { describe, expect, it } from 'vitest';
import { computeFeatureSeries } from '../features';
import { loadSpy } from '../features/testing/real-data';
import { createRegimeObservationStream, regimeObservations } from './observations';

describe('regimeObservations', () => {
  it('is [log return, sample sd of the last volWindow log returns], from index volWindow', () => {
    const closes = Float64Array.of(100, 101, 99, 102, 102, 104);
    const { obs, firstIndex } = regimeObservations(closes, 3);
    expect(firstIndex).toBe(3);
    expect(obs).toHaveLength(3);
    const r = [1, 2, 3, 4, 5].map((t) => Math.log(closes[t]! / closes[t - 1]!));
    const sd = (xs: number[]) => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
    };
    expect(obs[0]![0]).toBeCloseTo(r[2]!, 15);
    expect(obs[0]![1]).toBeCloseTo(sd(r.slice(0, 3)), 15);
    expect(obs[2]![0]).toBeCloseTo(r[4]!, 15);
    expect(obs[2]![1]).toBeCloseTo(sd(r.slice(2, 5)), 15);
  });

  it('matches the realizedVol20 feature on SPY and is causal (prefix of closes → prefix of obs)', () => {
    const { close } = loadSpy().bars;
    const full = regimeObservations(close);
    expect(full.firstIndex).toBe(20);
    expect(full.obs).toHaveLength(close.length - 20);
    const features = computeFeatureSeries(loadSpy().bars);
    for (const t of [20, 21, 500, 4000, close.length - 1]) {
      expect(full.obs[t - 20]![0]).toBeCloseTo(features.logReturn1[t]!, 14);
      expect(full.obs[t - 20]![1]).toBeCloseTo(features.realizedVol20[t]!, 14);
    }
    const prefix = regimeObservations(close.subarray(0, 3000));
    prefix.obs.forEach((o, i) => expect(o).toEqual(full.obs[i]));
  });

  it('streamed one close at a time equals the batch exactly (a ring of the last volWindow returns)', () => {
    const { close } = loadSpy().bars;
    const { obs } = regimeObservations(close, 20);
    const stream = createRegimeObservationStream(20);
    const streamed = Array.from(close, (c) => stream.push(c));
    expect(streamed.slice(0, 20).every((o) => o === null)).toBe(true);
    expect(streamed.slice(20)).toEqual(obs);
    expect(() => createRegimeObservationStream(1)).toThrow(RangeError);
    expect(() => stream.push(Number.NaN)).toThrow(/not finite/);
  });

  it('rejects bad closes and windows', () => {
    expect(() => regimeObservations(Float64Array.of(1, 0, 2), 2)).toThrow(RangeError);
    expect(() => regimeObservations(Float64Array.of(1, 2, 3), 1)).toThrow(RangeError);
    expect(regimeObservations(Float64Array.of(1, 2), 2).obs).toEqual([]);
  });
});
