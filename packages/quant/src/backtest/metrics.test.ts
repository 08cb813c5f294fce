import { describe, expect, it } from 'vitest';
import { equityCurve, maxDrawdown, performanceStats, weightsTurnover } from './metrics';
import { backtestReturns } from './returns';

// r = +1%, −2%, +3%, 0, −1%, −3%, +5%  (n = 7)
const r = Float64Array.from([0.01, -0.02, 0.03, 0, -0.01, -0.03, 0.05]);
const sqrt252 = Math.sqrt(252);

describe('performanceStats on a short explicit series', () => {
  const s = performanceStats(r, { periodsPerYear: 252 });
  // mean = 0.03 / 7; deviations squared summed by hand below; sample variance = Σ / 6.
  const mean = 0.03 / 7;
  const ss = [0.01, -0.02, 0.03, 0, -0.01, -0.03, 0.05].reduce((a, x) => a + (x - mean) ** 2, 0);
  const sd = Math.sqrt(ss / 6);

  it('volatility = sample sd × √252', () => {
    expect(sd).toBeCloseTo(0.02819997, 8); // hand value: √(0.0047714286 / 6)
    expect(s.volatility).toBeCloseTo(sd * sqrt252, 12);
  });

  it('Sharpe = mean / sd × √252, with a geometric de-annualised risk-free rate', () => {
    expect(s.sharpe).toBeCloseTo((mean / sd) * sqrt252, 12);
    expect(s.sharpe).toBeCloseTo(2.412542, 6);
    const rf = 1.05 ** (1 / 252) - 1;
    const withRf = performanceStats(r, { riskFree: 0.05 });
    expect(withRf.sharpe).toBeCloseTo(((mean - rf) / sd) * sqrt252, 12);
  });

  it('Sortino: downside deviation over all n periods against target 0', () => {
    // losing periods: −0.02, −0.01, −0.03 → Σ squares = 0.0014, divided by n = 7 (not by 3)
    const dd = Math.sqrt(0.0014 / 7);
    expect(s.sortino).toBeCloseTo((mean / dd) * sqrt252, 12);
    expect(s.sortino).toBeCloseTo(4.810702, 6);
    // a target of 1% per period: everything below 1% counts
    const t = performanceStats(r, { sortinoTarget: 0.01 });
    const ddT = Math.sqrt((0.03 ** 2 + 0.01 ** 2 + 0.02 ** 2 + 0.04 ** 2) / 7);
    expect(t.sortino).toBeCloseTo(((mean - 0.01) / ddT) * sqrt252, 12);
  });

  it('CAGR, total return and Calmar from the compounded equity', () => {
    const growth = 1.01 * 0.98 * 1.03 * 1 * 0.99 * 0.97 * 1.05;
    expect(s.totalReturn).toBeCloseTo(growth - 1, 14);
    expect(s.cagr).toBeCloseTo(growth ** (252 / 7) - 1, 10);
    expect(s.calmar).toBeCloseTo(s.cagr / s.maxDrawdown, 12);
    expect(s.periods).toBe(7);
  });

  it('hit rate ignores flat periods: 3 up of 6 non-zero', () => {
    expect(s.hitRate).toBe(3 / 6);
  });

  it('max drawdown with peak and trough equity indices', () => {
    // E = 1, 1.01, 0.9898, 1.019494, 1.019494, 1.00929906, 0.9790200882, 1.02797109261
    // peak E[3] = 1.019494 (E[4] equal, not a new high), trough E[6]: 1 − 0.99 × 0.97 = 0.0397
    expect(s.maxDrawdown).toBeCloseTo(0.0397, 14);
    expect(s.peakIndex).toBe(3);
    expect(s.troughIndex).toBe(6);
    expect(maxDrawdown(r)).toEqual({ maxDrawdown: s.maxDrawdown, peakIndex: 3, troughIndex: 6 });
    const e = equityCurve(r);
    expect(e.length).toBe(8);
    expect(e[0]).toBe(1);
    expect(e[6]).toBeCloseTo(0.9790200882, 14);
    expect(e[7]).toBeCloseTo(1.02797109261, 14);
    expect(maxDrawdown(Float64Array.from([0.01, 0.02]))).toEqual({
      maxDrawdown: 0,
      peakIndex: 0,
      troughIndex: 0,
    });
  });
});

describe('turnover', () => {
  it('from a weights path, counting the first allocation from cash', () => {
    const w = [Float64Array.from([0, 1, 1, 0]), Float64Array.from([0.5, 0, 0, NaN])];
    // |Δ| per period: 0.5, 1 + 0.5, 0, 1 → mean 3 / 4
    expect([...weightsTurnover(w)]).toEqual([0.5, 1.5, 0, 1]);
    const s = performanceStats(Float64Array.from([0, 0, 0, 0]), { weights: w });
    expect(s.turnover).toBe(0.75);
    expect(s.annualTurnover).toBe(0.75 * 252);
  });

  it('an explicit turnover path wins over weights; NaN when neither is given', () => {
    const s = performanceStats(r, {
      turnover: Float64Array.from([1, 0, 0, 1]),
      weights: [new Float64Array(4)],
    });
    expect(s.turnover).toBe(0.5);
    expect(performanceStats(r).turnover).toBeNaN();
  });
});

describe('edge cases', () => {
  it('zero variance and no downside give NaN / Infinity, not garbage', () => {
    const flat = performanceStats(new Float64Array(5));
    expect(flat.sharpe).toBeNaN();
    expect(flat.hitRate).toBeNaN();
    expect(flat.maxDrawdown).toBe(0);
    const up = performanceStats(Float64Array.from([0.01, 0.02]));
    expect(up.sortino).toBe(Infinity);
    expect(up.calmar).toBe(Infinity);
    expect(performanceStats(new Float64Array(0)).cagr).toBeNaN();
    expect(performanceStats(Float64Array.from([-1, 0.5])).cagr).toBe(-1);
  });

  it('rejects non-finite returns', () => {
    expect(() => performanceStats(Float64Array.from([0.01, NaN]))).toThrow(RangeError);
    expect(() => performanceStats(r, { periodsPerYear: 0 })).toThrow(RangeError);
  });
});

describe('backtestReturns', () => {
  it('0 on the first price (tradable), NaN where the price is missing, gaps bridged', () => {
    const out = backtestReturns([NaN, NaN, 10, 11, NaN, 12.1]);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeNaN();
    expect(out[2]).toBe(0);
    expect(out[3]).toBeCloseTo(0.1, 15);
    expect(out[4]).toBeNaN();
    expect(out[5]).toBeCloseTo(0.1, 15);
  });
});
