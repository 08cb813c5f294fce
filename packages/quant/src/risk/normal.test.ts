import { describe, expect, it } from 'vitest';
import { inverseNormalCdf, logNormalCdf, normalPdf } from './normal';

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

describe('logNormalCdf', () => {
  it('inverts Φ⁻¹ (AS 241) to 1e-6 relative, tails included', () => {
    for (const p of [1e-300, 1e-20, 1e-10, 0.001, 0.025, 0.5, 0.9, 0.975, 0.999]) {
      const logP = logNormalCdf(inverseNormalCdf(p));
      expect(Math.abs(logP - Math.log(p))).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(Math.log(p))));
    }
  });

  it('stays finite where Φ underflows: ln Φ(−40) = ln φ(40) − ln 40 + ln(1 − 1/40² + 3/40⁴)', () => {
    const expected =
      -800 - 0.5 * Math.log(2 * Math.PI) - Math.log(40) + Math.log(1 - 1 / 1600 + 3 / 1600 ** 2);
    expect(Math.abs(logNormalCdf(-40) - expected)).toBeLessThan(1e-4);
    expect(logNormalCdf(0)).toBeCloseTo(Math.log(0.5), 7);
    expect(Math.abs(logNormalCdf(40))).toBeLessThan(1e-300);
    expect(() => logNormalCdf(NaN)).toThrow(RangeError);
  });
});
