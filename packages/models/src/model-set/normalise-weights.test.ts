import { mulberry32 } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { normaliseWeights, WEIGHT_SUM_TOLERANCE } from './normalise-weights';

const sum = (w: ArrayLike<number>) => Array.from(w).reduce((a, b) => a + b, 0);

describe('normaliseWeights', () => {
  it('passes valid weights through untouched, float32 softmax rounding included', () => {
    const w = Float32Array.from([1 / 3, 1 / 3, 1 / 3]);
    const before = Float32Array.from(w);
    expect(normaliseWeights(w)).toEqual({ fixed: false, issues: [] });
    expect(w).toEqual(before);
  });

  it('replaces weights containing NaN or Infinity with equal weights', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const w = [0.5, bad, 0.5];
      expect(normaliseWeights(w)).toEqual({ fixed: true, issues: ['NON_FINITE'] });
      expect(w).toEqual([1 / 3, 1 / 3, 1 / 3]);
    }
  });

  it('clips negative weights to 0 and renormalises the rest', () => {
    const w = [0.6, -0.2, 0.6];
    expect(normaliseWeights(w)).toEqual({ fixed: true, issues: ['NEGATIVE', 'SUM_NOT_ONE'] });
    expect(w).toEqual([0.5, 0, 0.5]);
  });

  it('flags a negative weight even when the clipped rest already sums to 1', () => {
    const w = [0.5, -0.1, 0.5];
    expect(normaliseWeights(w)).toEqual({ fixed: true, issues: ['NEGATIVE'] });
    expect(w).toEqual([0.5, 0, 0.5]);
  });

  it('rescales weights that do not sum to 1', () => {
    const w = Float64Array.from([2, 1, 1]);
    expect(normaliseWeights(w)).toEqual({ fixed: true, issues: ['SUM_NOT_ONE'] });
    expect(Array.from(w)).toEqual([0.5, 0.25, 0.25]);
  });

  it('falls back to equal weights when nothing is left (all zero, or all negative)', () => {
    const zeros = [0, 0, 0, 0];
    expect(normaliseWeights(zeros)).toEqual({ fixed: true, issues: ['ALL_ZERO'] });
    expect(zeros).toEqual([0.25, 0.25, 0.25, 0.25]);
    const negatives = [-1, -2];
    expect(normaliseWeights(negatives)).toEqual({ fixed: true, issues: ['NEGATIVE', 'ALL_ZERO'] });
    expect(negatives).toEqual([0.5, 0.5]);
  });

  it('treats a float64 overflow of the sum as non-finite', () => {
    const w = [Number.MAX_VALUE, Number.MAX_VALUE];
    expect(normaliseWeights(w).issues).toEqual(['NON_FINITE']);
    expect(w).toEqual([0.5, 0.5]);
  });

  it('leaves sums within the tolerance alone and fixes those beyond it', () => {
    expect(normaliseWeights([0.5, 0.5 + WEIGHT_SUM_TOLERANCE / 2]).fixed).toBe(false);
    expect(normaliseWeights([0.5, 0.5 + WEIGHT_SUM_TOLERANCE * 2]).fixed).toBe(true);
  });

  it('always returns a point of the simplex (seeded random vectors with NaN, negatives, zeros)', () => {
    const random = mulberry32(2024);
    const pick = () => {
      const r = random();
      if (r < 0.02) return NaN;
      if (r < 0.1) return 0;
      if (r < 0.3) return -random() * 5;
      return random() * 10 ** (random() * 6 - 3);
    };
    for (let trial = 0; trial < 5000; trial++) {
      const w = Float32Array.from({ length: 1 + Math.floor(random() * 6) }, pick);
      normaliseWeights(w);
      expect(Array.from(w).every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
      expect(Math.abs(sum(w) - 1)).toBeLessThanOrEqual(WEIGHT_SUM_TOLERANCE);
    }
  });

  it('refuses an empty vector', () => {
    expect(() => normaliseWeights([])).toThrow(RangeError);
  });
});
