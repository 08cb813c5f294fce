import { describe, expect, it } from 'vitest';
import { createRegimeFilter, forwardFilter } from './filter';
import { smoothedProbabilities } from './hmm';
import type { HmmParams } from './model';
import { regimeObservations } from './observations';
import { spyRegimeFixture } from './testing/spy-fit';

function countDifferences(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  let diff = 0;
  for (let t = 0; t < a.length; t++) {
    for (let k = 0; k < a[t]!.length; k++) if (a[t]![k] !== b[t]![k]) diff++;
  }
  return diff;
}

describe('forward filter', () => {
  const p: HmmParams = {
    pi: [0.5, 0.5],
    transition: [
      [0.9, 0.1],
      [0.2, 0.8],
    ],
    means: [[0], [3]],
    vars: [[1], [1]],
  };

  it('is Bayes’ rule by hand on a 2-state example', () => {
    const [f0, f1] = forwardFilter([[0], [3]], p);
    const n = (x: number, m: number) => Math.exp(-0.5 * (x - m) ** 2);
    const a0 = [0.5 * n(0, 0), 0.5 * n(0, 3)];
    const p0 = a0.map((x) => x / (a0[0]! + a0[1]!));
    expect(f0![0]).toBeCloseTo(p0[0]!, 14);
    const pred = [p0[0]! * 0.9 + p0[1]! * 0.2, p0[0]! * 0.1 + p0[1]! * 0.8];
    const a1 = [pred[0]! * n(3, 0), pred[1]! * n(3, 3)];
    expect(f1![1]).toBeCloseTo(a1[1]! / (a1[0]! + a1[1]!), 14);
  });

  it('the incremental filter equals the batch filter exactly; reset starts over', () => {
    const obs = [[0.3], [2.9], [40], [-40], [1.5]];
    const batch = forwardFilter(obs, p);
    const filter = createRegimeFilter(p);
    const inc = obs.map((o) => filter.update(o));
    expect(countDifferences(inc, batch)).toBe(0);
    expect(filter.bars).toBe(5);
    filter.reset();
    expect(filter.bars).toBe(0);
    expect(Array.from(filter.update(obs[0]!))).toEqual(Array.from(batch[0]!));
    expect(filter.costPerBar).toEqual({ states: 2, dims: 1, multiplyAdds: 4 + 6, exp: 2, log: 2 });
  });

  it('continues from a filtered distribution (after) exactly as the uninterrupted filter', () => {
    const obs = [[0.3], [2.9], [40], [-40], [1.5]];
    const batch = forwardFilter(obs, p);
    const resumed = createRegimeFilter(p, { after: batch[2]! });
    const rest = obs.slice(3).map((o) => resumed.update(o));
    rest.forEach((r, i) => {
      expect(r[0]).toBeCloseTo(batch[3 + i]![0]!, 14);
      expect(r[1]).toBeCloseTo(batch[3 + i]![1]!, 14);
    });
    expect(() => createRegimeFilter(p, { after: [1, 0], prior: [1, 0] })).toThrow(/not both/);
    expect(() => createRegimeFilter(p, { after: [1] })).toThrow(/after has length 1/);
  });

  it('handles a prior with zeros and outlying observations without NaN', () => {
    const f = createRegimeFilter(p, { prior: [1, 0] });
    expect(Array.from(f.update([1e3]))).toEqual([1, 0]);
    const next = f.update([3]);
    expect(next[0]! + next[1]!).toBeCloseTo(1, 15);
    expect(() => f.update([1, 2])).toThrow(RangeError);
  });
});

describe('forward filter on SPY', () => {
  const { closes, obs, fit } = spyRegimeFixture();
  const full = forwardFilter(obs, fit.params);

  it('gives probabilities that sum to 1 at every t and whose last row is the smoothed last row', () => {
    expect(full).toHaveLength(obs.length);
    for (const f of full) {
      expect(Math.abs(f.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-12);
      for (const x of f) expect(x).toBeGreaterThanOrEqual(0);
    }
    const smoothed = smoothedProbabilities(obs, fit.params);
    for (let k = 0; k < 3; k++) expect(full.at(-1)![k]).toBeCloseTo(smoothed.at(-1)![k]!, 10);
  });

  it('is causal: appending bars never changes an earlier probability (exact equality)', () => {
    for (const n of [250, 3000, obs.length - 1]) {
      const prefix = forwardFilter(obs.slice(0, n), fit.params);
      expect(prefix).toHaveLength(n);
      expect(countDifferences(prefix, full.slice(0, n))).toBe(0);
    }
    // End to end from truncated closes: observations and filter together.
    const truncated = regimeObservations(closes.subarray(0, 4000));
    const fromCloses = forwardFilter(truncated.obs, fit.params);
    expect(countDifferences(fromCloses, full.slice(0, fromCloses.length))).toBe(0);
  });
});
