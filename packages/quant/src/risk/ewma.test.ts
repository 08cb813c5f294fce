import { describe, expect, it } from 'vitest';
import { loadWidePrices } from '../testing/wide-prices';
import { matrixEntry } from './covariance';
import { ewmaCorrelation, ewmaCovariance } from './ewma';
import { simpleReturns, type ReturnsTable } from './returns';

const returns = simpleReturns(loadWidePrices());

describe('EWMA (RiskMetrics) covariance and correlation', () => {
  const toy: ReturnsTable = {
    dates: ['1', '2', '3', '4'],
    columns: ['A', 'B'],
    returns: [Float64Array.of(0.01, -0.02, 0.03, 0.01), Float64Array.of(NaN, 0.01, -0.01, 0.02)],
  };

  it('is the λ-weighted mean of r_i·r_j over common dates, aged by calendar row', () => {
    const lambda = 0.9;
    const cov = ewmaCovariance(toy, lambda);
    const w = [lambda ** 3, lambda ** 2, lambda, 1];
    const aa = (w[0]! * 1e-4 + w[1]! * 4e-4 + w[2]! * 9e-4 + w[3]! * 1e-4) / (w[0]! + w[1]! + w[2]! + w[3]!);
    const ab = (w[1]! * -2e-4 + w[2]! * -3e-4 + w[3]! * 2e-4) / (w[1]! + w[2]! + w[3]!);
    expect(matrixEntry(cov, 'A', 'A')).toBeCloseTo(aa, 17);
    expect(matrixEntry(cov, 'A', 'B')).toBeCloseTo(ab, 17);
  });

  it('on complete data it is the RiskMetrics recursion Σ_t = λΣ_{t−1} + (1−λ) r_t r_tᵀ, bias-corrected', () => {
    const x = toy.returns[0]!;
    let s = 0;
    for (const r of x) s = 0.94 * s + 0.06 * r * r;
    expect(matrixEntry(ewmaCovariance(toy), 'A', 'A')).toBeCloseTo(s / (1 - 0.94 ** x.length), 17);
  });

  it('AAPL–FB on the real data equals pandas (r_AAPL·r_FB).ewm(alpha=0.06).mean() on the last day', () => {
    const cov = ewmaCovariance(returns);
    expect(matrixEntry(cov, 'AAPL', 'FB') / 2.2185156700218347e-4).toBeCloseTo(1, 12);
    expect(matrixEntry(cov, 'AAPL', 'AAPL') / 2.86360539691185e-4).toBeCloseTo(1, 12);
  });

  it('correlation: cov/√(var·var) for complete pairs, 1 on the diagonal, within [−1, 1]', () => {
    const cov = ewmaCovariance(returns);
    const corr = ewmaCorrelation(returns);
    const expected =
      matrixEntry(cov, 'GE', 'XOM') /
      Math.sqrt(matrixEntry(cov, 'GE', 'GE') * matrixEntry(cov, 'XOM', 'XOM'));
    expect(matrixEntry(corr, 'GE', 'XOM')).toBeCloseTo(expected, 14);
    corr.values.forEach((row, i) => {
      expect(row[i]).toBe(1);
      for (const v of row) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    });
  });

  it('rejects λ outside (0, 1)', () => {
    expect(() => ewmaCovariance(toy, 1)).toThrow(/lambda/);
    expect(() => ewmaCovariance(toy, 0)).toThrow(/lambda/);
  });
});
