import { describe, expect, it } from 'vitest';
import { loadWidePrices } from '../testing/wide-prices';
import { pairwiseCovariance } from './covariance';
import { simpleReturns, type ReturnsTable } from './returns';
import { buildRiskModel, repairCorrelation, symmetricEigen } from './risk-model';

const returns = simpleReturns(loadWidePrices()); // 20 stocks, 1989-12-29 .. 2018-04-11

/** Rows [from, to) of a returns table. */
function rows(table: ReturnsTable, from: number, to: number): ReturnsTable {
  return {
    dates: table.dates.slice(from, to),
    columns: [...table.columns],
    returns: table.returns.map((r) => r.slice(from, to)),
  };
}

function minEigenvalue(m: Float64Array, n: number): number {
  return Math.min(...symmetricEigen(m, n).values);
}

describe('buildRiskModel on the 20-stock universe', () => {
  const model = buildRiskModel(returns);
  const n = model.symbols.length;

  it('equals the sample covariance of the last 252 days where every symbol has them', () => {
    // All 20 trade through 2017-2018, so every window is the same 252 rows and the
    // estimate reduces to the plain (pandas) sample covariance of those rows.
    const T = returns.dates.length;
    const cov = pairwiseCovariance(rows(returns, T - 252, T));
    expect(model.symbols).toEqual(returns.columns);
    expect(model.asOf).toBe('2018-04-11');
    expect(model.repaired).toBe(false);
    expect(model.filledPairs).toBe(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const expected = cov.values[i]![j]!;
        expect(Math.abs(model.covariance[i * n + j]! - expected)).toBeLessThan(
          1e-12 * Math.abs(expected) + 1e-18,
        );
      }
    }
    expect(Array.from(model.observations)).toEqual(Array(n).fill(252));
  });

  it('groups correlated names: the large tech names together, the two banks together', () => {
    const clusterOf = (s: string) => model.clusterOf[model.index.get(s)!]!;
    for (const s of ['AAPL', 'FB', 'AMZN']) expect(clusterOf(s)).toBe(clusterOf('GOOG'));
    expect(clusterOf('BAC')).toBe(clusterOf('JPM'));
    expect(clusterOf('BAC')).not.toBe(clusterOf('GOOG'));
    for (const s of ['XOM', 'WMT', 'SHLD', 'PFE']) expect(clusterOf(s)).not.toBe(clusterOf('GOOG'));
    // Every symbol is in exactly one cluster, and clusterOf agrees with the member lists.
    expect(model.clusters.flat().sort()).toEqual([...model.symbols].sort());
    model.symbols.forEach((s, i) => expect(model.clusters[model.clusterOf[i]!]).toContain(s));
  });

  it('is positive semi-definite with volatility on the diagonal', () => {
    expect(minEigenvalue(model.covariance, n)).toBeGreaterThan(-1e-15);
    for (let i = 0; i < n; i++)
      expect(model.covariance[i * n + i]).toBeCloseTo(model.volatility[i]! ** 2, 15);
  });
});

describe('buildRiskModel with missing history', () => {
  it('leaves out a symbol with too short a history and has no NaN', () => {
    // As of 2014-10-31 BABA (listed 2014-09-19) has about 30 returns; FB (2012) has enough.
    const end = returns.dates.findIndex((d) => d > '2014-10-31');
    const model = buildRiskModel(rows(returns, 0, end));
    expect(model.excluded.map((e) => e.symbol)).toEqual(['BABA']);
    expect(model.excluded[0]!.reason).toMatch(/returns in the window, at least 60 needed/);
    expect(model.index.has('FB')).toBe(true);
    expect(model.covariance.every(Number.isFinite)).toBe(true);
    expect(minEigenvalue(model.covariance, model.symbols.length)).toBeGreaterThan(-1e-15);
  });

  it('copes with holes and with histories ending on different dates (repairing to PSD)', () => {
    let seed = 7;
    const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const T = returns.dates.length;
    const table = rows(returns, T - 1500, T);
    // 30% holes everywhere; GE stops 400 days before the end, so its pairs use older windows.
    table.returns = table.returns.map((r, c) =>
      r.map((x, t) => (rand() < 0.3 || (table.columns[c] === 'GE' && t > 1100) ? NaN : x)),
    );
    const model = buildRiskModel(table, { lookbackDays: 120, minOverlap: 40 });
    const n = model.symbols.length;
    expect(n).toBe(20);
    expect(model.lastDate[model.index.get('GE')!]! < model.asOf).toBe(true);
    expect(model.covariance.every(Number.isFinite)).toBe(true);
    expect(model.correlation.every((x) => x >= -1 && x <= 1)).toBe(true);
    expect(minEigenvalue(model.covariance, n)).toBeGreaterThan(-1e-15);
  });

  it('fills a pair without common history with the mean correlation', () => {
    const T = 400;
    const a = Float64Array.from({ length: T }, (_, t) => (t < 200 ? Math.sin(t) / 100 : NaN));
    const b = Float64Array.from({ length: T }, (_, t) => (t >= 200 ? Math.cos(t) / 100 : NaN));
    const c = Float64Array.from({ length: T }, (_, t) => Math.sin(t * 1.3) / 100);
    const model = buildRiskModel({
      dates: Array.from({ length: T }, (_, t) => `d${String(t).padStart(4, '0')}`),
      columns: ['A', 'B', 'C'],
      returns: [a, b, c],
    });
    expect(model.filledPairs).toBe(1);
    const rhoAC = model.correlation[0 * 3 + 2]!;
    const rhoBC = model.correlation[1 * 3 + 2]!;
    expect(model.correlation[0 * 3 + 1]).toBeCloseTo((rhoAC + rhoBC) / 2, 12);
  });
});

describe('repairCorrelation', () => {
  it('clips negative eigenvalues, keeps a unit diagonal, leaves a valid matrix alone', () => {
    const bad = Float64Array.from([1, 0.9, -0.9, 0.9, 1, 0.9, -0.9, 0.9, 1]);
    expect(minEigenvalue(bad, 3)).toBeLessThan(-0.5);
    expect(repairCorrelation(bad, 3)).toBe(true);
    expect(minEigenvalue(bad, 3)).toBeGreaterThan(-1e-12);
    expect([bad[0], bad[4], bad[8]]).toEqual([1, 1, 1]);
    expect(bad[1]).toBeGreaterThan(0); // the signs of the original structure survive
    expect(bad[2]).toBeLessThan(0);

    const good = Float64Array.from([1, 0.3, 0.3, 1]);
    expect(repairCorrelation(good, 2)).toBe(false);
    expect(Array.from(good)).toEqual([1, 0.3, 0.3, 1]);
  });

  it('symmetricEigen reconstructs the matrix', () => {
    const m = Float64Array.from([4, 1, 2, 1, 3, 0.5, 2, 0.5, 5]);
    const { values, vectors } = symmetricEigen(m, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += vectors[i * 3 + k]! * values[k]! * vectors[j * 3 + k]!;
        expect(s).toBeCloseTo(m[i * 3 + j]!, 12);
      }
    }
  });
});

describe('buildRiskModel options', () => {
  it('rejects nonsense options', () => {
    expect(() => buildRiskModel(returns, { lookbackDays: 1 })).toThrow(/lookbackDays/);
    expect(() => buildRiskModel(returns, { clusterThreshold: 2 })).toThrow(/clusterThreshold/);
    expect(() => buildRiskModel(returns, { minObservations: 300 })).toThrow(/minObservations/);
  });

  it('a higher cut makes fewer, larger clusters', () => {
    const tight = buildRiskModel(returns, { clusterThreshold: 0.4 });
    const loose = buildRiskModel(returns, { clusterThreshold: 0.6 });
    expect(loose.clusters.length).toBeLessThan(tight.clusters.length);
  });
});
