/**
 * Gaussian hidden Markov model with diagonal covariance, fitted by Baum–Welch (EM).
 *
 * Sources:
 * - L. R. Rabiner, "A Tutorial on Hidden Markov Models and Selected Applications in Speech
 *   Recognition", Proc. IEEE 77(2), 1989: forward algorithm (eqs. 19–21), backward algorithm
 *   (eqs. 23–25), scaling (Section V.A, eqs. 91–95: ln P(O|λ) = Σ_t ln c_t), re-estimation
 *   formulas (eqs. 40a–c, Gaussian means/covariances eqs. 53–54).
 * - J. A. Bilmes, "A Gentle Tutorial of the EM Algorithm…", ICSI TR-97-021, 1998: EM for
 *   Gaussian-mixture HMMs; each EM step does not decrease the likelihood (Section 4).
 * - D. Arthur & S. Vassilvitskii, "k-means++: The Advantages of Careful Seeding", SODA 2007:
 *   the seeding used for the initial state means.
 * The scaled recursions follow hmmlearn's "scaling" implementation (per-row shift of the log
 * emission densities, then Rabiner scaling), so a fit from the same `init` is comparable.
 */
import { mulberry32 } from '../features';
import {
  checkObservations,
  cloneModel,
  compileParams,
  emptyModel,
  logEmissionsInto,
  refreshLogNorm,
  toParams,
  type HmmParams,
  type Model,
} from './model';

export interface FitGaussianHmmOptions {
  /** Number of hidden states K (default 3). */
  states?: number;
  /** Number of seeded random initialisations; the fit with the highest log-likelihood wins (default 5). Ignored with `init`. */
  restarts?: number;
  /** Maximum number of EM iterations per restart (default 200). */
  maxIter?: number;
  /** Stop when one EM iteration improves ln P(O|λ) by less than `tol` (absolute, as hmmlearn; default 1e-6). */
  tol?: number;
  /** Seed of the mulberry32 PRNG that drives the k-means++ initialisations (default 42). */
  seed?: number;
  /** Floor on every variance after each M-step (default 1e-8); keeps a state from collapsing onto a point. */
  minVar?: number;
  /** Start EM from these parameters instead (one run, no restarts), e.g. to compare with hmmlearn from the same start. */
  init?: HmmParams;
}

export interface HmmFit {
  params: HmmParams;
  /** ln P(obs | params) of the returned params. */
  logLikelihood: number;
  /** EM iterations (M-steps) performed by the winning restart. */
  iterations: number;
  /** Whether the winning restart met `tol` before `maxIter`. */
  converged: boolean;
  /** ln P(obs | λ_i) for i = 0 (initial parameters) .. iterations, of the winning restart. */
  history: number[];
  /** Index of the winning restart (0 with `init`). */
  restart: number;
}

/** Sufficient statistics of one E-step. */
interface EStep {
  logLikelihood: number;
  /** N×K posteriors γ_t(k) = P(s_t = k | O, λ). */
  gamma: Float64Array;
  /** K×K Σ_{t<N−1} ξ_t(i, j). */
  xiSum: Float64Array;
}

/**
 * Scaled forward pass (Rabiner eqs. 19–20 with the scaling of Section V.A). The log emission
 * densities of each row are shifted by their maximum before exponentiation (frame[t][k] =
 * exp(ln b_k(o_t) − shift_t) ≤ 1), so nothing underflows for ordinary data; the shift is added
 * back to the log-likelihood. Fills `alpha` (normalised α̂_t), `scale` (c_t, in the shifted
 * units) and `frame`; returns ln P(O|λ) = Σ_t (ln c_t + shift_t).
 */
function forwardScaled(
  obs: readonly ArrayLike<number>[],
  m: Model,
  alpha: Float64Array,
  scale: Float64Array,
  frame: Float64Array,
): number {
  const { K, A, pi } = m;
  const N = obs.length;
  let ll = 0;
  for (let t = 0; t < N; t++) {
    const o = t * K;
    logEmissionsInto(m, obs[t]!, frame, o);
    let shift = -Infinity;
    for (let k = 0; k < K; k++) if (frame[o + k]! > shift) shift = frame[o + k]!;
    for (let k = 0; k < K; k++) frame[o + k] = Math.exp(frame[o + k]! - shift);
    let s = 0;
    for (let j = 0; j < K; j++) {
      let pred: number;
      if (t === 0) pred = pi[j]!;
      else {
        pred = 0;
        const p = o - K;
        for (let i = 0; i < K; i++) pred += alpha[p + i]! * A[i * K + j]!;
      }
      const a = pred * frame[o + j]!;
      alpha[o + j] = a;
      s += a;
    }
    if (!(s > 0 && Number.isFinite(s))) {
      throw new RangeError(`HMM forward pass: observation ${t} has zero probability under every state`);
    }
    for (let j = 0; j < K; j++) alpha[o + j] = alpha[o + j]! / s;
    scale[t] = s;
    ll += Math.log(s) + shift;
  }
  return ll;
}

/**
 * E-step: scaled forward-backward (Rabiner eqs. 23–25 and 37–38 with the scaled variables of
 * Section V.A): β̂_{N−1} = 1, β̂_t(i) = Σ_j a_ij b_j(o_{t+1}) β̂_{t+1}(j) / c_{t+1};
 * γ_t(i) = α̂_t(i) β̂_t(i); ξ_t(i,j) = α̂_t(i) a_ij b_j(o_{t+1}) β̂_{t+1}(j) / c_{t+1}.
 */
function eStep(obs: readonly ArrayLike<number>[], m: Model): EStep {
  const { K, A } = m;
  const N = obs.length;
  const alpha = new Float64Array(N * K);
  const frame = new Float64Array(N * K);
  const scale = new Float64Array(N);
  const logLikelihood = forwardScaled(obs, m, alpha, scale, frame);
  const gamma = new Float64Array(N * K);
  const xiSum = new Float64Array(K * K);
  let beta = new Float64Array(K).fill(1);
  let next = new Float64Array(K);
  const fb = new Float64Array(K); // b_j(o_{t+1}) β̂_{t+1}(j) / c_{t+1}
  for (let t = N - 1; t >= 0; t--) {
    const o = t * K;
    let g = 0;
    for (let k = 0; k < K; k++) {
      const x = alpha[o + k]! * beta[k]!;
      gamma[o + k] = x;
      g += x;
    }
    // Σ_k γ_t(k) = 1 in exact arithmetic; renormalise away the rounding.
    for (let k = 0; k < K; k++) gamma[o + k] = gamma[o + k]! / g;
    if (t === 0) break;
    const c = scale[t]!;
    for (let j = 0; j < K; j++) fb[j] = (frame[o + j]! * beta[j]!) / c;
    const p = o - K;
    for (let i = 0; i < K; i++) {
      let b = 0;
      const ai = alpha[p + i]!;
      for (let j = 0; j < K; j++) {
        const w = A[i * K + j]! * fb[j]!;
        b += w;
        xiSum[i * K + j] = xiSum[i * K + j]! + ai * w;
      }
      next[i] = b;
    }
    [beta, next] = [next, beta];
  }
  return { logLikelihood, gamma, xiSum };
}

/**
 * M-step (Rabiner eqs. 40a–b, 53–54 with diagonal covariance): π = γ_0; a_ij = Σ_t ξ_t(i,j) /
 * Σ_t Σ_j ξ_t(i,j); μ_k = Σ_t γ_t(k) o_t / Σ_t γ_t(k); σ²_kd = max(minVar, Σ_t γ_t(k)(o_td − μ_kd)² /
 * Σ_t γ_t(k)) (two-pass, after the new means). The floor is the constrained maximiser of the
 * expected log-likelihood (it is unimodal in σ²), so the step still never lowers the
 * likelihood. A state with zero occupancy (or a zero ξ row) keeps its previous parameters.
 */
function mStep(obs: readonly ArrayLike<number>[], prev: Model, e: EStep, minVar: number): Model {
  const { K, D } = prev;
  const N = obs.length;
  const { gamma, xiSum } = e;
  const m = cloneModel(prev);
  let s0 = 0;
  for (let k = 0; k < K; k++) s0 += gamma[k]!;
  for (let k = 0; k < K; k++) m.pi[k] = gamma[k]! / s0;
  for (let i = 0; i < K; i++) {
    let row = 0;
    for (let j = 0; j < K; j++) row += xiSum[i * K + j]!;
    if (row > 0) for (let j = 0; j < K; j++) m.A[i * K + j] = xiSum[i * K + j]! / row;
  }
  const occ = new Float64Array(K);
  const sx = new Float64Array(K * D);
  for (let t = 0; t < N; t++) {
    const x = obs[t]!;
    for (let k = 0; k < K; k++) {
      const g = gamma[t * K + k]!;
      occ[k] = occ[k]! + g;
      for (let d = 0; d < D; d++) sx[k * D + d] = sx[k * D + d]! + g * x[d]!;
    }
  }
  const live = Array.from(occ, (o) => o > 0);
  for (let k = 0; k < K; k++) {
    if (!live[k]) continue;
    for (let d = 0; d < D; d++) m.mu[k * D + d] = sx[k * D + d]! / occ[k]!;
  }
  const sv = new Float64Array(K * D);
  for (let t = 0; t < N; t++) {
    const x = obs[t]!;
    for (let k = 0; k < K; k++) {
      const g = gamma[t * K + k]!;
      for (let d = 0; d < D; d++) {
        const diff = x[d]! - m.mu[k * D + d]!;
        sv[k * D + d] = sv[k * D + d]! + g * diff * diff;
      }
    }
  }
  for (let k = 0; k < K; k++) {
    if (!live[k]) continue;
    for (let d = 0; d < D; d++) m.v[k * D + d] = Math.max(minVar, sv[k * D + d]! / occ[k]!);
  }
  refreshLogNorm(m);
  return m;
}

/**
 * Initial parameters from the PRNG: k-means++ seeding (Arthur & Vassilvitskii 2007) on the
 * observations standardised per dimension, then up to 20 Lloyd iterations (ties → lowest
 * cluster index; an empty cluster keeps its centre). Means and variances are those of each
 * cluster in the original units (a cluster with < 2 points takes the global variance), floored
 * at `minVar`; π uniform; transition 0.9 on the diagonal, the rest spread evenly (regimes persist).
 */
function kmeansInit(
  obs: readonly ArrayLike<number>[],
  K: number,
  D: number,
  rng: () => number,
  minVar: number,
): Model {
  const N = obs.length;
  const gMean = new Float64Array(D);
  const gVar = new Float64Array(D);
  for (const x of obs) for (let d = 0; d < D; d++) gMean[d] = gMean[d]! + x[d]! / N;
  for (const x of obs) for (let d = 0; d < D; d++) gVar[d] = gVar[d]! + (x[d]! - gMean[d]!) ** 2 / N;
  const sd = Array.from(gVar, (v) => (v > 0 ? Math.sqrt(v) : 1));
  const z = new Float64Array(N * D);
  for (let t = 0; t < N; t++) for (let d = 0; d < D; d++) z[t * D + d] = (obs[t]![d]! - gMean[d]!) / sd[d]!;
  const dist2 = (t: number, c: Float64Array, k: number) => {
    let s = 0;
    for (let d = 0; d < D; d++) s += (z[t * D + d]! - c[k * D + d]!) ** 2;
    return s;
  };

  const centres = new Float64Array(K * D);
  const pick = (k: number, t: number) => centres.set(z.subarray(t * D, (t + 1) * D), k * D);
  pick(0, Math.min(N - 1, Math.floor(rng() * N)));
  const best = new Float64Array(N).fill(Infinity);
  for (let k = 1; k < K; k++) {
    let total = 0;
    for (let t = 0; t < N; t++) {
      best[t] = Math.min(best[t]!, dist2(t, centres, k - 1));
      total += best[t]!;
    }
    let chosen = N - 1;
    if (total > 0) {
      let u = rng() * total;
      for (let t = 0; t < N; t++) {
        u -= best[t]!;
        if (u < 0) {
          chosen = t;
          break;
        }
      }
    } else chosen = Math.min(N - 1, Math.floor(rng() * N));
    pick(k, chosen);
  }

  const assign = new Int32Array(N).fill(-1);
  for (let iter = 0; iter < 20; iter++) {
    let changed = false;
    for (let t = 0; t < N; t++) {
      let arg = 0;
      let bestD = Infinity;
      for (let k = 0; k < K; k++) {
        const d2 = dist2(t, centres, k);
        if (d2 < bestD) {
          bestD = d2;
          arg = k;
        }
      }
      if (assign[t] !== arg) {
        assign[t] = arg;
        changed = true;
      }
    }
    if (!changed) break;
    const sum = new Float64Array(K * D);
    const cnt = new Float64Array(K);
    for (let t = 0; t < N; t++) {
      const k = assign[t]!;
      cnt[k] = cnt[k]! + 1;
      for (let d = 0; d < D; d++) sum[k * D + d] = sum[k * D + d]! + z[t * D + d]!;
    }
    for (let k = 0; k < K; k++) {
      if (cnt[k]! > 0) for (let d = 0; d < D; d++) centres[k * D + d] = sum[k * D + d]! / cnt[k]!;
    }
  }

  const m = emptyModel(K, D);
  const cnt = new Float64Array(K);
  for (let t = 0; t < N; t++) {
    const k = assign[t]!;
    cnt[k] = cnt[k]! + 1;
    for (let d = 0; d < D; d++) m.mu[k * D + d] = m.mu[k * D + d]! + obs[t]![d]!;
  }
  for (let k = 0; k < K; k++) {
    for (let d = 0; d < D; d++) {
      // An empty cluster sits at its (standardised) centre.
      m.mu[k * D + d] = cnt[k]! > 0 ? m.mu[k * D + d]! / cnt[k]! : gMean[d]! + centres[k * D + d]! * sd[d]!;
    }
  }
  for (let t = 0; t < N; t++) {
    const k = assign[t]!;
    for (let d = 0; d < D; d++) m.v[k * D + d] = m.v[k * D + d]! + (obs[t]![d]! - m.mu[k * D + d]!) ** 2;
  }
  for (let k = 0; k < K; k++) {
    for (let d = 0; d < D; d++) {
      const v = cnt[k]! >= 2 ? m.v[k * D + d]! / cnt[k]! : gVar[d]!;
      m.v[k * D + d] = Math.max(minVar, v);
    }
  }
  m.pi.fill(1 / K);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) m.A[i * K + j] = K === 1 ? 1 : i === j ? 0.9 : 0.1 / (K - 1);
  }
  refreshLogNorm(m);
  return m;
}

interface EmRun {
  model: Model;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
  history: number[];
}

/**
 * Baum–Welch from `start`: E-step, then repeat {M-step; E-step} until the improvement of
 * ln P(O|λ) is < tol or maxIter M-steps have run. The reported log-likelihood is always that
 * of the returned parameters (no M-step is taken after the last E-step).
 */
function runEm(
  obs: readonly ArrayLike<number>[],
  start: Model,
  maxIter: number,
  tol: number,
  minVar: number,
): EmRun {
  let model = start;
  let e = eStep(obs, model);
  const history = [e.logLikelihood];
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    const next = mStep(obs, model, e, minVar);
    const ne = eStep(obs, next);
    iterations++;
    history.push(ne.logLikelihood);
    const improvement = ne.logLikelihood - e.logLikelihood;
    model = next;
    e = ne;
    if (improvement < tol) {
      converged = true;
      break;
    }
  }
  return { model, logLikelihood: e.logLikelihood, iterations, converged, history };
}

/**
 * Fits a K-state diagonal-covariance Gaussian HMM to `obs` by Baum–Welch with scaled
 * forward-backward. Runs `restarts` EM runs from k-means++ initialisations drawn from one
 * mulberry32(seed) stream and keeps the highest log-likelihood (earliest restart on a tie), so
 * the result is a pure function of (obs, options). With `init`, runs one EM from `init`.
 * State order is whatever EM produced; use `labelStates` to name the states.
 */
export function fitGaussianHmm(
  obs: readonly ArrayLike<number>[],
  options: FitGaussianHmmOptions = {},
): HmmFit {
  const { states = 3, restarts = 5, maxIter = 200, tol = 1e-6, seed = 42, minVar = 1e-8, init } = options;
  const D = checkObservations(obs);
  if (!Number.isInteger(states) || states < 1) throw new RangeError(`fitGaussianHmm: states = ${states}`);
  if (!Number.isInteger(restarts) || restarts < 1)
    throw new RangeError(`fitGaussianHmm: restarts = ${restarts}`);
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new RangeError(`fitGaussianHmm: maxIter = ${maxIter}`);
  if (!(minVar > 0)) throw new RangeError(`fitGaussianHmm: minVar must be > 0, got ${minVar}`);
  if (init) {
    const start = compileParams(init, D);
    if (start.K !== states && options.states !== undefined) {
      throw new RangeError(`fitGaussianHmm: init has ${start.K} states, options.states = ${states}`);
    }
    const run = runEm(obs, start, maxIter, tol, minVar);
    return { ...summarise(run), restart: 0 };
  }
  if (obs.length < states)
    throw new RangeError(`fitGaussianHmm: ${obs.length} observations < ${states} states`);
  const rng = mulberry32(seed);
  let best: EmRun | undefined;
  let bestRestart = 0;
  for (let r = 0; r < restarts; r++) {
    const run = runEm(obs, kmeansInit(obs, states, D, rng, minVar), maxIter, tol, minVar);
    if (best === undefined || run.logLikelihood > best.logLikelihood) {
      best = run;
      bestRestart = r;
    }
  }
  return { ...summarise(best!), restart: bestRestart };
}

function summarise(run: EmRun): Omit<HmmFit, 'restart'> {
  return {
    params: toParams(run.model),
    logLikelihood: run.logLikelihood,
    iterations: run.iterations,
    converged: run.converged,
    history: run.history,
  };
}

/** ln P(obs | params) by the scaled forward algorithm (Rabiner 1989, eqs. 19–21 and 103). */
export function hmmLogLikelihood(obs: readonly ArrayLike<number>[], params: HmmParams): number {
  const m = compileParams(params);
  checkObservations(obs, m.D);
  const N = obs.length;
  return forwardScaled(obs, m, new Float64Array(N * m.K), new Float64Array(N), new Float64Array(N * m.K));
}

/** Smoothed posteriors P(s_t = k | obs[0..N−1]) (uses the whole sample: NOT causal; for analysis only). */
export function smoothedProbabilities(obs: readonly ArrayLike<number>[], params: HmmParams): Float64Array[] {
  const m = compileParams(params);
  checkObservations(obs, m.D);
  const { gamma } = eStep(obs, m);
  return Array.from({ length: obs.length }, (_, t) => gamma.slice(t * m.K, (t + 1) * m.K));
}
