import { describe, expect, it } from 'vitest';
import { loadWidePrices } from '../testing/wide-prices';
import type { LabeledMatrix } from './covariance';
import { hrp, hrpFromMatrices, inverseVarianceWeights } from './hrp';
import { LINKAGE_METHODS, type LinkageMethod } from './linkage';
import { simpleReturns, type ReturnsTable } from './returns';

// PyPortfolioOpt 1.6.0 HRPOpt(returns_from_prices(prices)).optimize(method), SciPy 1.17, pandas 3.1
const PYPFOPT: Record<LinkageMethod, { order: string; weights: number[] }> = {
  single: {
    order: 'SHLD AMD BBY RRC FB WMT T BABA PFE UAA SBUX XOM AMZN AAPL GOOG MA GE GM BAC JPM',
    // weights in the file's column order: GOOG AAPL FB BABA AMZN GE AMD WMT BAC GM T UAA SHLD XOM RRC BBY MA PFE JPM SBUX
    weights: [
      0.049560084289929474, 0.022258941278778366, 0.06272994714663548, 0.07963382071794105,
      0.016086842079874902, 0.05519063444162833, 0.022294021796692137, 0.10569551148587929,
      0.014409222455552224, 0.05557666024185731, 0.11138956508836441, 0.027115909570750118,
      0.027113184241298754, 0.11175337115721252, 0.03161528695094607, 0.034064194382450244,
      0.038127373497320274, 0.07786528342813426, 0.017675709092515726, 0.03984443665623909,
    ],
  },
  complete: {
    order: 'AMZN FB BABA RRC T XOM WMT PFE AMD AAPL GOOG MA GM GE BAC JPM UAA SBUX SHLD BBY',
    // weights in the file's column order: GOOG AAPL FB BABA AMZN GE AMD WMT BAC GM T UAA SHLD XOM RRC BBY MA PFE JPM SBUX
    weights: [
      0.053960277530924826, 0.026169804366797382, 0.062381067245135764, 0.0858284190468008,
      0.022799386867637193, 0.0404472816666917, 0.013905271013584736, 0.09563037679409725,
      0.018655253602597587, 0.06212512555185148, 0.11725978172420792, 0.021838630381372702,
      0.01453621328365775, 0.12144883425028838, 0.02823917572490564, 0.017319614585690493,
      0.04180857699051679, 0.08148963870478985, 0.03650225380729694, 0.03765501686115482,
    ],
  },
  average: {
    order: 'RRC SHLD BBY AMD FB BABA AMZN AAPL GOOG MA WMT PFE UAA SBUX T XOM GM GE BAC JPM',
    // weights in the file's column order: GOOG AAPL FB BABA AMZN GE AMD WMT BAC GM T UAA SHLD XOM RRC BBY MA PFE JPM SBUX
    weights: [
      0.053804281158476415, 0.03478818909355968, 0.06096820404212786, 0.08106022744069775,
      0.021800276097606062, 0.05597809742099114, 0.02141631767398395, 0.09426371031684869,
      0.015055576486311579, 0.07223468512203385, 0.08507722328203722, 0.02766072981921695,
      0.028582970584458717, 0.10637357684487664, 0.03372066003342822, 0.03433321523600637,
      0.04168771055605464, 0.07617218370808687, 0.018468587809859358, 0.03655357727333805,
    ],
  },
  ward: {
    order: 'AAPL GOOG MA AMZN FB BABA UAA SBUX SHLD BBY AMD RRC BAC JPM GE GM T XOM WMT PFE',
    // weights in the file's column order: GOOG AAPL FB BABA AMZN GE AMD WMT BAC GM T UAA SHLD XOM RRC BBY MA PFE JPM SBUX
    weights: [
      0.06908902572629577, 0.03102998287196444, 0.042234901812830856, 0.0794510847176229,
      0.015436251867308147, 0.04895225431673259, 0.02102074166568818, 0.06767026512879483,
      0.03426186563536977, 0.08685128477038259, 0.10613404244482111, 0.032669849370591926,
      0.01792238565335656, 0.11185561263994002, 0.030159826800642428, 0.021354172913878446,
      0.05510088309059093, 0.05468267533326845, 0.02769623997060016, 0.046426653269319905,
    ],
  },
};
const PYPFOPT_SINGLE_Z: Array<[number, number, number, number]> = [
  [8, 18, 0.3750938714299271, 2],
  [9, 20, 0.47582521096286573, 3],
  [5, 21, 0.4803030951579719, 4],
  [16, 22, 0.5045473251444368, 5],
  [0, 23, 0.5147763407153509, 6],
  [1, 24, 0.5220573721602384, 7],
  [4, 25, 0.5236843048400539, 8],
  [13, 26, 0.5305562075417837, 9],
  [19, 27, 0.5328293704654171, 10],
  [11, 28, 0.5411468410319321, 11],
  [17, 29, 0.5419605138884434, 12],
  [3, 30, 0.5442297253966285, 13],
  [10, 31, 0.5459473413480631, 14],
  [7, 32, 0.5539984370337863, 15],
  [2, 33, 0.5604719531826085, 16],
  [14, 34, 0.5635839601709485, 17],
  [15, 35, 0.5769895564262728, 18],
  [6, 36, 0.5865467874853662, 19],
  [12, 37, 0.587194576854083, 20],
];

const returns = simpleReturns(loadWidePrices('daily/stock_prices.csv'));

function sum(w: Record<string, number>): number {
  return Object.values(w).reduce((a, b) => a + b, 0);
}

describe('hrp on the real 20-stock universe (simple daily returns, pairwise-complete)', () => {
  it.each(LINKAGE_METHODS)(
    '%s linkage: long-only, fully invested, every ticker, order a permutation',
    (m) => {
      const result = hrp(returns, { linkage: m });
      expect(result.linkage).toBe(m);
      expect(Object.keys(result.weights)).toEqual(returns.columns);
      for (const w of Object.values(result.weights)) expect(w).toBeGreaterThanOrEqual(0);
      expect(Math.abs(sum(result.weights) - 1)).toBeLessThan(1e-12);
      expect([...result.order].sort()).toEqual([...returns.columns].sort());
      expect(result.dendrogram).toHaveLength(returns.columns.length - 1);
      expect(result.dendrogram.at(-1)![3]).toBe(returns.columns.length);
    },
  );

  it.each(LINKAGE_METHODS)('%s linkage: same order and weights as PyPortfolioOpt HRPOpt', (m) => {
    const result = hrp(returns, { linkage: m });
    expect(result.order.join(' ')).toBe(PYPFOPT[m].order);
    returns.columns.forEach((c, i) => expect(result.weights[c]).toBeCloseTo(PYPFOPT[m].weights[i]!, 12));
  });

  it('single linkage: the dendrogram is the SciPy linkage matrix PyPortfolioOpt clusters with', () => {
    const { dendrogram } = hrp(returns);
    dendrogram.forEach((row, k) => {
      const [a, b, d, size] = PYPFOPT_SINGLE_Z[k]!;
      expect([row[0], row[1], row[3]]).toEqual([a, b, size]);
      expect(row[2]).toBeCloseTo(d, 12);
    });
  });

  it("the paper's distance-of-distances variant also gives a valid portfolio", () => {
    const result = hrp(returns, { distance: 'distance-of-distances' });
    expect(Math.abs(sum(result.weights) - 1)).toBeLessThan(1e-12);
    expect(Math.min(...Object.values(result.weights))).toBeGreaterThan(0);
  });
});

// Four assets in two blocks, listed interleaved: A, C, B, D. σ = 0.2, 0.1, 0.3, 0.2;
// ρ(A,B) = 0.8, ρ(C,D) = 0.7, every cross-block ρ = 0.1.
const sd: Record<string, number> = { A: 0.2, C: 0.1, B: 0.3, D: 0.2 };
const rho = (a: string, b: string): number => {
  if (a === b) return 1;
  const pair = [a, b].sort().join('');
  return pair === 'AB' ? 0.8 : pair === 'CD' ? 0.7 : 0.1;
};
const names = ['A', 'C', 'B', 'D'];
const corr: LabeledMatrix = {
  columns: names,
  values: names.map((a) => Float64Array.from(names, (b) => rho(a, b))),
};
const cov: LabeledMatrix = {
  columns: names,
  values: names.map((a) => Float64Array.from(names, (b) => rho(a, b) * sd[a]! * sd[b]!)),
};

describe('hrp on a hand-made 4-asset block structure', () => {
  it.each(LINKAGE_METHODS)('%s: the correlated pairs end up adjacent and the weights match by hand', (m) => {
    const result = hrpFromMatrices(cov, corr, { linkage: m });
    // d(A,B) = √0.1 < d(C,D) = √0.15 < cross √0.45: A+B, then C+D, then the root.
    expect(result.order).toEqual(['A', 'B', 'C', 'D']);
    // Cluster {A,B}: IVP weights ∝ 1/0.04, 1/0.09 → 9/13, 4/13;
    //   V₁ = (81·0.04 + 16·0.09 + 2·36·0.048)/169 = 8.136/169.
    // Cluster {C,D}: IVP weights ∝ 1/0.01, 1/0.04 → 0.8, 0.2;
    //   V₂ = 0.64·0.01 + 0.04·0.04 + 2·0.16·0.014 = 0.01248.
    const v1 = 8.136 / 169;
    const v2 = 0.01248;
    const alpha = 1 - v1 / (v1 + v2);
    // Second level: singletons, α = 1 − σ₁²/(σ₁² + σ₂²).
    const expected = {
      A: alpha * (1 - 0.04 / 0.13),
      B: alpha * (0.04 / 0.13),
      C: (1 - alpha) * (1 - 0.01 / 0.05),
      D: (1 - alpha) * (0.01 / 0.05),
    };
    for (const [k, w] of Object.entries(expected)) expect(result.weights[k]).toBeCloseTo(w, 14);
    expect(result.dendrogram.map((r) => r.slice(0, 2))).toEqual([
      [0, 2],
      [1, 3],
      [4, 5],
    ]);
  });

  it('from returns: two factors drive two interleaved pairs; the pairs are adjacent in order', () => {
    const n = 500;
    const noise = (seed: number, t: number) => Math.sin(seed * 12.9898 + t * 78.233) * 0.5; // deterministic
    const f1 = (t: number) => noise(1, t);
    const f2 = (t: number) => noise(2, t);
    const series = [
      (t: number) => 0.01 * (f1(t) + 0.3 * noise(3, t)), // A (factor 1)
      (t: number) => 0.01 * (f2(t) + 0.3 * noise(4, t)), // C (factor 2)
      (t: number) => 0.02 * (f1(t) + 0.3 * noise(5, t)), // B (factor 1)
      (t: number) => 0.02 * (f2(t) + 0.3 * noise(6, t)), // D (factor 2)
    ];
    const table: ReturnsTable = {
      dates: Array.from({ length: n }, (_, t) => `d${t}`),
      columns: names,
      returns: series.map((f) => Float64Array.from({ length: n }, (_, t) => f(t))),
    };
    for (const m of LINKAGE_METHODS) {
      const order = hrp(table, { linkage: m }).order.join('');
      expect(['ABCD', 'ABDC', 'BACD', 'BADC', 'CDAB', 'CDBA', 'DCAB', 'DCBA']).toContain(order);
    }
  });

  it('inverse-variance weights are 1/σ² normalised', () => {
    const w = inverseVarianceWeights(cov);
    const total = 1 / 0.04 + 1 / 0.01 + 1 / 0.09 + 1 / 0.04;
    expect(w.A).toBeCloseTo(25 / total, 15);
    expect(w.C).toBeCloseTo(100 / total, 15);
    expect(sum(w)).toBeCloseTo(1, 15);
  });

  it('rejects a pair with no common data and a zero variance, naming them', () => {
    const bad = structuredClone(corr);
    bad.values[0]![1] = bad.values[1]![0] = NaN;
    expect(() => hrpFromMatrices(cov, bad)).toThrow(/'A' and 'C'/);
    const flat = structuredClone(cov);
    flat.values[2]![2] = 0;
    expect(() => hrpFromMatrices(flat, corr)).toThrow(/'B'/);
  });
});
