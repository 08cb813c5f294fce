import { describe, expect, it } from 'vitest';
import { createRegimeSmoother, smoothingAlpha, smoothRegimeProbabilities } from './smoothing';

describe('regime smoothing (causal EMA with a half-life in bars)', () => {
  it('starts at the first row and absorbs a step by half after one half-life', () => {
    const bull = { bull: 1, bear: 0, sideways: 0 };
    const bear = { bull: 0, bear: 1, sideways: 0 };
    const rows = smoothRegimeProbabilities([bull, ...Array.from({ length: 4 }, () => bear)], 2);
    expect(rows[0]).toEqual(bull);
    expect(rows[2]!.bear).toBeCloseTo(0.5, 14); // two bars after the step, half-life 2
    expect(rows[4]!.bear).toBeCloseTo(0.75, 14);
    for (const r of rows) expect(r.bull + r.bear + r.sideways).toBeCloseTo(1, 14);
    expect(smoothingAlpha(1)).toBe(0.5);
  });

  it('the incremental smoother equals the batch exactly, never reads ahead, and resets', () => {
    const rows = Array.from({ length: 50 }, (_, t) => {
      const a = (Math.sin(t) + 1) / 3;
      const b = (Math.cos(3 * t) + 1) / 4;
      return { bull: a, bear: b, sideways: 1 - a - b };
    });
    const batch = smoothRegimeProbabilities(rows, 7);
    const smoother = createRegimeSmoother(7);
    expect(rows.map((r) => smoother.update(r))).toEqual(batch);
    expect(smoothRegimeProbabilities(rows.slice(0, 20), 7)).toEqual(batch.slice(0, 20));
    expect(smoother.bars).toBe(50);
    smoother.reset();
    expect(smoother.update(rows[3]!)).toEqual(rows[3]);
  });

  it('rejects a half-life that is not a finite number > 0, naming it', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => createRegimeSmoother(bad)).toThrow(/smoothingHalfLife/);
  });
});
