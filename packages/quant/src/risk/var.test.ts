import { describe, expect, it } from 'vitest';
import { loadWidePrices } from '../testing/wide-prices';
import { hrp } from './hrp';
import { inverseNormalCdf, normalPdf } from './normal';
import { simpleReturns, type ReturnsTable } from './returns';
import { historicalVar, parametricVar, portfolioReturns, portfolioVar } from './var';

const returns = simpleReturns(loadWidePrices());
const { weights } = hrp(returns);

describe('portfolio VaR / CVaR of the HRP (single) portfolio on the 20 stocks', () => {
  const at = (level: number, method: 'historical' | 'parametric') =>
    portfolioVar(returns, weights, { level, method });

  it('historical: 99% ≥ 95%, CVaR ≥ VaR, and equal to np.quantile (linear) on the same returns', () => {
    const h95 = at(0.95, 'historical');
    const h99 = at(0.99, 'historical');
    expect(h99.var).toBeGreaterThanOrEqual(h95.var);
    expect(h95.cvar).toBeGreaterThanOrEqual(h95.var);
    expect(h99.cvar).toBeGreaterThanOrEqual(h99.var);
    expect(h95.observations).toBe(7125);
    // NumPy/pandas reference with the same renormalisation policy.
    expect(h95.var).toBeCloseTo(0.018036022916998493, 14);
    expect(h95.cvar).toBeCloseTo(0.02651251898115028, 14);
    expect(h99.var).toBeCloseTo(0.029860724911510948, 14);
    expect(h99.cvar).toBeCloseTo(0.04337050506276902, 14);
  });

  it('parametric: VaR = z·σ − μ and CVaR = σ·φ(z)/(1 − level) − μ', () => {
    for (const level of [0.95, 0.99]) {
      const p = at(level, 'parametric');
      const z = inverseNormalCdf(level);
      expect(p.var).toBeCloseTo(z * p.sd - p.mean, 15);
      expect(p.cvar).toBeCloseTo((p.sd * normalPdf(z)) / (1 - level) - p.mean, 15);
      expect(p.cvar).toBeGreaterThanOrEqual(p.var);
    }
    expect(at(0.99, 'parametric').var).toBeGreaterThan(at(0.95, 'parametric').var);
    expect(at(0.95, 'parametric').var).toBeCloseTo(0.018785664774288897, 14); // scipy.stats.norm
  });
});

describe('historicalVar', () => {
  it('interpolates linearly between order statistics (Hyndman–Fan type 7)', () => {
    // Sorted: −5 −4 −3 −2 −1 0 1 2 3 4 (%). h = 9·0.05 = 0.45 → q = −5 + 0.45·1 = −4.55.
    const r = [0, 1, 2, 3, 4, -1, -2, -3, -4, -5].map((x) => x / 100);
    const f = historicalVar(r, 0.95);
    expect(f.var).toBeCloseTo(0.0455, 15);
    expect(f.cvar).toBeCloseTo(0.05, 15); // only −5% lies at or below q
    expect(historicalVar(r, 0.1).var).toBeCloseTo(-0.031, 15); // h = 8.1: a gain reads as a negative loss
  });

  it('ignores NaN and rejects bad levels', () => {
    expect(historicalVar([NaN, -0.01, 0.01], 0.5).var).toBeCloseTo(0, 15);
    expect(() => historicalVar([0.01], 1)).toThrow(/level/);
    expect(() => parametricVar(0, 0.01, 0)).toThrow(/level/);
  });
});

describe('portfolioReturns missing-value policy', () => {
  const t: ReturnsTable = {
    dates: ['1', '2', '3'],
    columns: ['A', 'B', 'C'],
    returns: [Float64Array.of(0.01, 0.02, NaN), Float64Array.of(NaN, 0.04, NaN), Float64Array.of(1, 1, 1)],
  };

  it("'renormalize' spreads the weights over the assets present; a day with none is skipped", () => {
    const p = portfolioReturns(t, { A: 0.75, B: 0.25 });
    expect(p.dates).toEqual(['1', '2']);
    expect(p.returns[0]).toBeCloseTo(0.01, 15); // only A: its weight scaled to 1
    expect(p.returns[1]).toBeCloseTo(0.75 * 0.02 + 0.25 * 0.04, 15);
  });

  it("'complete' keeps only days where every weighted asset is present", () => {
    const p = portfolioReturns(t, { A: 0.75, B: 0.25, C: 0 }, 'complete');
    expect(p.dates).toEqual(['2']);
  });

  it('rejects unknown symbols and non-finite weights', () => {
    expect(() => portfolioReturns(t, { TSLA: 1 })).toThrow(/'TSLA'/);
    expect(() => portfolioReturns(t, { A: NaN })).toThrow(/'A'/);
    expect(() => portfolioVar(t, { A: 1 }, { method: 'monte-carlo' as 'historical' })).toThrow(
      /unknown VaR method/,
    );
  });
});
