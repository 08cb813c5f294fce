import { describe, expect, it } from 'vitest';
import { checkLimits } from './limits';

describe('checkLimits', () => {
  it('reports CONCENTRATION_EXCEEDS_MAX with limit 0.25 and the actual weight 0.31', () => {
    const breaches = checkLimits({ AAPL: 0.31, MSFT: 0.24, XOM: 0.2, T: 0.25 });
    expect(breaches).toEqual([
      { code: 'CONCENTRATION_EXCEEDS_MAX', symbol: 'AAPL', limit: 0.25, actual: 0.31 },
    ]);
  });

  it('returns nothing within limits, even with floating-point noise at the bound', () => {
    const w = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`S${i}`, 0.1]));
    expect(Object.values(w).reduce((a, b) => a + b, 0)).not.toBe(1); // 0.9999999999999999
    expect(checkLimits(w)).toEqual([]);
  });

  it('reports gross and net exposure breaches with the numbers', () => {
    const breaches = checkLimits({ A: 0.2, B: 0.2, C: -0.3, D: 0.25 }, { maxGross: 0.8, minNet: 0.5 });
    expect(breaches).toEqual([
      { code: 'CONCENTRATION_EXCEEDS_MAX', symbol: 'C', limit: 0.25, actual: -0.3 },
      { code: 'GROSS_EXPOSURE_EXCEEDS_MAX', limit: 0.8, actual: expect.closeTo(0.95, 12) },
      { code: 'NET_EXPOSURE_OUT_OF_RANGE', limit: 0.5, actual: expect.closeTo(0.35, 12) },
    ]);
    expect(checkLimits({ A: 0.2, B: 0.2 }, { maxNet: 0.3 })).toEqual([
      { code: 'NET_EXPOSURE_OUT_OF_RANGE', limit: 0.3, actual: 0.4 },
    ]);
  });

  it('throws only on malformed input', () => {
    expect(() => checkLimits({ A: NaN })).toThrow(/weight of 'A'/);
    expect(() => checkLimits({ A: 0.1 }, { minNet: 1, maxNet: 0 })).toThrow(/minNet/);
  });
});

describe('checkLimits with per-symbol limits', () => {
  it('judges a symbol with its own limit by it, the others by maxConcentration', () => {
    const symbolLimits = new Map([['AMD', 0.05]]);
    expect(checkLimits({ AMD: 0.06, AAPL: 0.2 }, { symbolLimits })).toEqual([
      { code: 'CONCENTRATION_EXCEEDS_MAX', symbol: 'AMD', limit: 0.05, actual: 0.06 },
    ]);
    expect(checkLimits({ AMD: 0.04, AAPL: 0.3 }, { symbolLimits })).toEqual([
      { code: 'CONCENTRATION_EXCEEDS_MAX', symbol: 'AAPL', limit: 0.25, actual: 0.3 },
    ]);
  });
});
