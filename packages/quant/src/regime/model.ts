/**
 * Gaussian HMM parameters (K states, diagonal covariance, D-dimensional observations) and the
 * internal compiled form shared by the fit and the filters. Internal module: the public types
 * are re-exported from index.ts.
 */

/** Parameters of a K-state Gaussian HMM with diagonal covariance. */
export interface HmmParams {
  /** Initial state distribution, length K, sums to 1. */
  pi: number[];
  /** Row-stochastic K×K matrix: transition[i][j] = P(s[t+1] = j | s[t] = i). */
  transition: number[][];
  /** K×D state means. */
  means: number[][];
  /** K×D state variances (diagonal of each state's covariance), all > 0. */
  vars: number[][];
}

/** Flat typed-array form of HmmParams plus the per-state Gaussian normalising constants. */
export interface Model {
  K: number;
  D: number;
  pi: Float64Array;
  /** Row-major K×K. */
  A: Float64Array;
  /** Row-major K×D. */
  mu: Float64Array;
  /** Row-major K×D. */
  v: Float64Array;
  /** logNorm[k] = −½ Σ_d ln(2π v[k][d]). */
  logNorm: Float64Array;
}

const LOG_2PI = Math.log(2 * Math.PI);
/** Tolerance on "sums to 1" for user-supplied probabilities. */
const SUM_TOLERANCE = 1e-8;

export function refreshLogNorm(m: Model): void {
  for (let k = 0; k < m.K; k++) {
    let s = 0;
    for (let d = 0; d < m.D; d++) s += LOG_2PI + Math.log(m.v[k * m.D + d]!);
    m.logNorm[k] = -0.5 * s;
  }
}

export function emptyModel(K: number, D: number): Model {
  return {
    K,
    D,
    pi: new Float64Array(K),
    A: new Float64Array(K * K),
    mu: new Float64Array(K * D),
    v: new Float64Array(K * D),
    logNorm: new Float64Array(K),
  };
}

export function cloneModel(m: Model): Model {
  return {
    K: m.K,
    D: m.D,
    pi: m.pi.slice(),
    A: m.A.slice(),
    mu: m.mu.slice(),
    v: m.v.slice(),
    logNorm: m.logNorm.slice(),
  };
}

function checkDistribution(p: readonly number[], what: string): void {
  let s = 0;
  for (const x of p) {
    if (!(Number.isFinite(x) && x >= 0)) throw new RangeError(`${what}: ${x} is not a probability`);
    s += x;
  }
  if (Math.abs(s - 1) > SUM_TOLERANCE) throw new RangeError(`${what} sums to ${s}, not 1`);
}

/** Validates the shapes and values of `params` (and D when given) and compiles them. */
export function compileParams(params: HmmParams, D?: number): Model {
  const K = params.pi.length;
  if (K < 1) throw new RangeError('HmmParams: at least one state is required');
  const dim = D ?? params.means[0]?.length ?? 0;
  if (dim < 1) throw new RangeError('HmmParams: observations need at least one dimension');
  if (params.transition.length !== K || params.means.length !== K || params.vars.length !== K) {
    throw new RangeError(`HmmParams: pi has ${K} states but transition/means/vars disagree`);
  }
  checkDistribution(params.pi, 'HmmParams.pi');
  const m = emptyModel(K, dim);
  m.pi.set(params.pi);
  for (let i = 0; i < K; i++) {
    const row = params.transition[i]!;
    const mean = params.means[i]!;
    const vr = params.vars[i]!;
    if (row.length !== K)
      throw new RangeError(`HmmParams.transition[${i}] has length ${row.length}, not ${K}`);
    checkDistribution(row, `HmmParams.transition[${i}]`);
    if (mean.length !== dim || vr.length !== dim) {
      throw new RangeError(`HmmParams: means[${i}]/vars[${i}] must have length ${dim}`);
    }
    for (let d = 0; d < dim; d++) {
      if (!Number.isFinite(mean[d]!)) throw new RangeError(`HmmParams.means[${i}][${d}] is not finite`);
      if (!(Number.isFinite(vr[d]!) && vr[d]! > 0)) {
        throw new RangeError(`HmmParams.vars[${i}][${d}] = ${vr[d]} must be finite and > 0`);
      }
    }
    m.A.set(row, i * K);
    m.mu.set(mean, i * dim);
    m.v.set(vr, i * dim);
  }
  refreshLogNorm(m);
  return m;
}

export function toParams(m: Model): HmmParams {
  const { K, D } = m;
  const rows = (a: Float64Array, w: number) =>
    Array.from({ length: K }, (_, k) => Array.from(a.subarray(k * w, (k + 1) * w)));
  return { pi: Array.from(m.pi), transition: rows(m.A, K), means: rows(m.mu, D), vars: rows(m.v, D) };
}

/**
 * out[k] = ln N(x; μ_k, diag(σ²_k)) = −½ Σ_d [ln(2π σ²_kd) + (x_d − μ_kd)² / σ²_kd].
 */
export function logEmissionsInto(m: Model, x: ArrayLike<number>, out: Float64Array, offset = 0): void {
  const { K, D, mu, v, logNorm } = m;
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let d = 0; d < D; d++) {
      const diff = x[d]! - mu[k * D + d]!;
      s += (diff * diff) / v[k * D + d]!;
    }
    out[offset + k] = logNorm[k]! - 0.5 * s;
  }
}

/** Observations must be non-empty, all of one length D ≥ 1, and finite. Returns D. */
export function checkObservations(obs: readonly ArrayLike<number>[], D?: number): number {
  if (obs.length === 0) throw new RangeError('HMM: no observations');
  const dim = D ?? obs[0]!.length;
  if (dim < 1) throw new RangeError('HMM: observations need at least one dimension');
  for (let t = 0; t < obs.length; t++) {
    const x = obs[t]!;
    if (x.length !== dim) throw new RangeError(`HMM: obs[${t}] has length ${x.length}, expected ${dim}`);
    for (let d = 0; d < dim; d++) {
      if (!Number.isFinite(x[d]!)) throw new RangeError(`HMM: obs[${t}][${d}] = ${x[d]} is not finite`);
    }
  }
  return dim;
}
