import { describe, expect, it } from 'vitest';
import { loadSpy } from '../features/testing/real-data';
import { fitGaussianHmm, hmmLogLikelihood, smoothedProbabilities } from './hmm';
import type { HmmParams } from './model';
import { regimeObservations } from './observations';

/** ln N(x; μ, σ²) for a diagonal Gaussian, written out independently of the library. */
function logNormal(x: readonly number[], mean: readonly number[], vars: readonly number[]): number {
  let s = 0;
  for (let d = 0; d < x.length; d++) {
    s += -0.5 * Math.log(2 * Math.PI * vars[d]!) - (x[d]! - mean[d]!) ** 2 / (2 * vars[d]!);
  }
  return s;
}

/** P(O|λ) = Σ over all K^T state paths of π_{s0} b_{s0}(o_0) Π_t a_{s(t−1) s(t)} b_{s(t)}(o_t). */
function bruteForceLogLikelihood(obs: number[][], p: HmmParams): number {
  const K = p.pi.length;
  const T = obs.length;
  let total = 0;
  for (let code = 0; code < K ** T; code++) {
    const path = Array.from({ length: T }, (_, t) => Math.floor(code / K ** t) % K);
    let logp = Math.log(p.pi[path[0]!]!) + logNormal(obs[0]!, p.means[path[0]!]!, p.vars[path[0]!]!);
    for (let t = 1; t < T; t++) {
      logp += Math.log(p.transition[path[t - 1]!]![path[t]!]!);
      logp += logNormal(obs[t]!, p.means[path[t]!]!, p.vars[path[t]!]!);
    }
    total += Math.exp(logp);
  }
  return Math.log(total);
}

const TWO_STATE: HmmParams = {
  pi: [0.6, 0.4],
  transition: [
    [0.7, 0.3],
    [0.4, 0.6],
  ],
  means: [[0], [2]],
  vars: [[1], [0.5]],
};

describe('forward algorithm', () => {
  it('equals brute-force enumeration over all state paths (2 states, 1-D, T = 6)', () => {
    const obs = [[0.1], [1.9], [2.4], [-0.3], [1.1], [0.8]];
    const expected = bruteForceLogLikelihood(obs, TWO_STATE);
    expect(hmmLogLikelihood(obs, TWO_STATE)).toBeCloseTo(expected, 12);
  });

  it('equals brute-force enumeration (3 states, 2-D, T = 5)', () => {
    const p: HmmParams = {
      pi: [0.2, 0.5, 0.3],
      transition: [
        [0.8, 0.15, 0.05],
        [0.1, 0.7, 0.2],
        [0.25, 0.25, 0.5],
      ],
      means: [
        [0.01, 0.5],
        [-0.02, 1],
        [0, 2],
      ],
      vars: [
        [0.001, 0.2],
        [0.004, 0.3],
        [0.002, 1],
      ],
    };
    const obs = [
      [0.02, 0.4],
      [-0.05, 1.2],
      [0.01, 2.5],
      [0, 0.9],
      [-0.01, 1.7],
    ];
    expect(hmmLogLikelihood(obs, p)).toBeCloseTo(bruteForceLogLikelihood(obs, p), 11);
  });

  it('does not underflow on a long sequence of far-out observations', () => {
    const obs = Array.from({ length: 5000 }, (_, t) => [t % 2 === 0 ? 40 : -40]);
    const ll = hmmLogLikelihood(obs, TWO_STATE);
    expect(Number.isFinite(ll)).toBe(true);
    expect(ll).toBeLessThan(-1e6);
  });

  it('rejects malformed parameters and observations', () => {
    expect(() => hmmLogLikelihood([[0]], { ...TWO_STATE, pi: [0.6, 0.5] })).toThrow(RangeError);
    expect(() => hmmLogLikelihood([[0]], { ...TWO_STATE, vars: [[1], [0]] })).toThrow(RangeError);
    expect(() => hmmLogLikelihood([[0, 1]], TWO_STATE)).toThrow(RangeError);
    expect(() => hmmLogLikelihood([[NaN]], TWO_STATE)).toThrow(RangeError);
    expect(() => hmmLogLikelihood([], TWO_STATE)).toThrow(RangeError);
  });
});

describe('Baum–Welch on SPY observations', () => {
  const { obs } = regimeObservations(loadSpy().bars.close);

  it('never decreases the log-likelihood across iterations (three seeded starts)', () => {
    for (const seed of [1, 2, 3]) {
      const fit = fitGaussianHmm(obs, { restarts: 1, maxIter: 60, seed });
      expect(fit.history.length).toBe(fit.iterations + 1);
      for (let i = 1; i < fit.history.length; i++) {
        const ll = fit.history[i]!;
        expect(ll - fit.history[i - 1]!).toBeGreaterThanOrEqual(-1e-9 * Math.abs(ll));
      }
      expect(fit.history.at(-1)).toBe(fit.logLikelihood);
      expect(fit.history.at(-1)! - fit.history[0]!).toBeGreaterThan(0);
    }
  });

  it('is deterministic for a seed, and the reported likelihood is that of the returned params', () => {
    const options = { restarts: 2, maxIter: 60, seed: 42 } as const;
    const a = fitGaussianHmm(obs, options);
    const b = fitGaussianHmm(obs, options);
    expect(b).toEqual(a);
    expect(hmmLogLikelihood(obs, a.params)).toBe(a.logLikelihood);
  });

  it('returns stochastic pi and transition rows, positive variances', () => {
    const { params } = fitGaussianHmm(obs, { restarts: 1, maxIter: 60, seed: 5 });
    const sum = (r: number[]) => r.reduce((s, x) => s + x, 0);
    expect(sum(params.pi)).toBeCloseTo(1, 12);
    expect(params.transition).toHaveLength(3);
    for (const row of params.transition) {
      expect(row).toHaveLength(3);
      expect(sum(row)).toBeCloseTo(1, 12);
      for (const x of row) expect(x).toBeGreaterThanOrEqual(0);
    }
    for (const v of params.vars.flat()) expect(v).toBeGreaterThanOrEqual(1e-8);
  });

  it('starts from `init` when given: EM from a fitted optimum stays there', () => {
    const fit = fitGaussianHmm(obs, { restarts: 1, maxIter: 200, seed: 9 });
    const again = fitGaussianHmm(obs, { init: fit.params, maxIter: 50, tol: 1e-3 });
    expect(again.restart).toBe(0);
    expect(again.history[0]).toBe(hmmLogLikelihood(obs, fit.params));
    expect(again.logLikelihood).toBeGreaterThanOrEqual(fit.logLikelihood - 1e-6);
    expect(again.logLikelihood - fit.logLikelihood).toBeLessThan(1);
  });

  it('smoothed posteriors sum to 1 at every t', () => {
    const { params } = fitGaussianHmm(obs, { restarts: 1, maxIter: 30, seed: 3 });
    const gamma = smoothedProbabilities(obs, params);
    expect(gamma).toHaveLength(obs.length);
    for (const g of gamma) expect(Math.abs(g.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-12);
  });
});
