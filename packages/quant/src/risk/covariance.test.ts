import { describe, expect, it } from 'vitest';
import { loadWidePrices } from '../testing/wide-prices';
import { matrixEntry, pairwiseCorrelation, pairwiseCovariance } from './covariance';
import { logReturns, simpleReturns, type ReturnsTable } from './returns';
import { parseWidePrices } from './prices';

const prices = loadWidePrices();
const returns = simpleReturns(prices);

describe('returns', () => {
  const t = parseWidePrices(
    'date,A,B\n2020-01-01,100,\n2020-01-02,110,50\n2020-01-03,99,55\n2020-01-06,,60\n',
  );
  it('simple returns p[t]/p[t−1] − 1, NaN when either side is missing', () => {
    const r = simpleReturns(t);
    expect(r.dates).toEqual(['2020-01-02', '2020-01-03', '2020-01-06']);
    expect([...r.returns[0]!].map((x) => +x.toFixed(12))).toEqual([0.1, -0.1, NaN]);
    expect([...r.returns[1]!].map((x) => +x.toFixed(12))).toEqual([NaN, 0.1, +(60 / 55 - 1).toFixed(12)]);
  });
  it('log returns ln(p[t]/p[t−1])', () => {
    const r = logReturns(t);
    expect(r.returns[0]![0]).toBeCloseTo(Math.log(1.1), 15);
    expect(Number.isNaN(r.returns[1]![0]!)).toBe(true);
  });
  it('needs two dates', () => {
    expect(() =>
      simpleReturns({ dates: ['2020-01-01'], columns: ['A'], prices: [new Float64Array([1])] }),
    ).toThrow(/at least 2 dates/);
  });
});

/** Plain sample covariance and correlation of two equally long, complete arrays. */
function direct(x: number[], y: number[]): { cov: number; corr: number } {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return { cov: sxy / (n - 1), corr: sxy / Math.sqrt(sxx * syy) };
}

function column(table: ReturnsTable, name: string): Float64Array {
  return table.returns[table.columns.indexOf(name)]!;
}

describe('pairwise-complete covariance and correlation (pandas DataFrame.cov / corr)', () => {
  const cov = pairwiseCovariance(returns);
  const corr = pairwiseCorrelation(returns);

  it('AAPL–FB (FB listed 2012-05-18) equals a direct computation on the overlapping window', () => {
    const aapl = column(returns, 'AAPL');
    const fb = column(returns, 'FB');
    const both = [...aapl.keys()].filter((t) => Number.isFinite(aapl[t]!) && Number.isFinite(fb[t]!));
    expect(returns.dates[both[0]!]).toBe('2012-05-21'); // first day with two FB prices
    expect(both).toHaveLength(both.at(-1)! - both[0]! + 1); // one contiguous window
    const d = direct(
      both.map((t) => aapl[t]!),
      both.map((t) => fb[t]!),
    );
    expect(matrixEntry(cov, 'AAPL', 'FB')).toBeCloseTo(d.cov, 17);
    expect(matrixEntry(corr, 'FB', 'AAPL')).toBeCloseTo(d.corr, 14);
    // pandas 3.1: returns.cov().loc['AAPL','FB'], returns.corr().loc['AAPL','FB']
    expect(matrixEntry(cov, 'AAPL', 'FB') / 8.389249050635468e-5).toBeCloseTo(1, 12);
    expect(matrixEntry(corr, 'AAPL', 'FB')).toBeCloseTo(0.22951649577615502, 12);
  });

  it('the diagonal is each column over its own history; the correlation diagonal is 1', () => {
    const fb = [...column(returns, 'FB')].filter(Number.isFinite);
    expect(matrixEntry(cov, 'FB', 'FB')).toBeCloseTo(direct(fb, fb).cov, 17);
    for (let i = 0; i < corr.columns.length; i++) expect(corr.values[i]![i]).toBe(1);
  });

  it('is symmetric with |ρ| ≤ 1', () => {
    const k = cov.columns.length;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        expect(cov.values[i]![j]).toBe(cov.values[j]![i]);
        expect(Math.abs(corr.values[i]![j]!)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('gives NaN for a pair with fewer than minPeriods common returns', () => {
    const t: ReturnsTable = {
      dates: ['1', '2', '3', '4'],
      columns: ['A', 'B'],
      returns: [Float64Array.of(0.1, 0.2, NaN, NaN), Float64Array.of(NaN, 0.3, 0.1, 0.2)],
    };
    expect(Number.isNaN(matrixEntry(pairwiseCovariance(t), 'A', 'B'))).toBe(true);
    expect(matrixEntry(pairwiseCovariance(t), 'B', 'B')).toBeCloseTo(0.01, 15);
    expect(matrixEntry(pairwiseCovariance(t, { minPeriods: 1, ddof: 0 }), 'A', 'B')).toBe(0);
  });
});
