import { describe, expect, it } from 'vitest';
import { inverseNormalCdf, normalPdf } from './normal';

// scipy.special.ndtri (SciPy 1.17) at p.
const NDTRI: Array<[number, number]> = [
  [1e-300, -37.0470962993612],
  [1e-20, -9.262340089798409],
  [1e-10, -6.361340902404056],
  [0.001, -3.090232306167813],
  [0.025, -1.9599639845400545],
  [0.075, -1.4395314709384563],
  [0.5, 0],
  [0.9, 1.2815515655446004],
  [0.95, 1.6448536269514722],
  [0.975, 1.959963984540054],
  [0.99, 2.3263478740408408],
  [0.999, 3.090232306167813],
];

describe('inverseNormalCdf (Wichura AS 241)', () => {
  it('0.95 → 1.6448536269514722 and 0.99 → 2.3263478740408408 to 1e-9', () => {
    expect(Math.abs(inverseNormalCdf(0.95) - 1.6448536269514722)).toBeLessThan(1e-9);
    expect(Math.abs(inverseNormalCdf(0.99) - 2.3263478740408408)).toBeLessThan(1e-9);
  });

  it.each(NDTRI)('Φ⁻¹(%s) = %s (relative 1e-14)', (p, x) => {
    expect(Math.abs(inverseNormalCdf(p) - x)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(x)));
  });

  it('is odd around 0.5 and ±∞ at the ends; rejects p outside [0, 1]', () => {
    for (const p of [0.01, 0.2, 0.4]) expect(inverseNormalCdf(1 - p)).toBeCloseTo(-inverseNormalCdf(p), 13);
    expect(inverseNormalCdf(0)).toBe(-Infinity);
    expect(inverseNormalCdf(1)).toBe(Infinity);
    expect(() => inverseNormalCdf(1.5)).toThrow(RangeError);
    expect(() => inverseNormalCdf(NaN)).toThrow(RangeError);
  });

  it('normalPdf(0) = 1/√(2π)', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 16);
  });
});
