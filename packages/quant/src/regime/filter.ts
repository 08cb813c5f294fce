/**
 * Causal (filtered) regime probabilities P(s_t = k | o_0..o_t): the normalised forward
 * variable of Rabiner 1989 (eqs. 19–20; α̂_t of Section V.A is exactly this filter). Each step
 * uses only the previous filtered vector and the new observation, so appending bars can never
 * change an earlier value (the batch `forwardFilter` runs the same step function).
 */
import { checkObservations, compileParams, logEmissionsInto, type HmmParams } from './model';

/** Arithmetic per `update` call; the work is O(K² + K·D) per bar, independent of history length. */
export interface FilterCost {
  states: number;
  dims: number;
  /** K² for the prediction p·A, 3·K·D for the diagonal Gaussian log densities. */
  multiplyAdds: number;
  /** K (normalisation back from log space). */
  exp: number;
  /** K (log of the predicted probabilities). */
  log: number;
}

export interface RegimeFilter {
  /** Number of states K. */
  readonly states: number;
  /** Observations consumed since creation / the last reset. */
  readonly bars: number;
  /** Consumes one observation (length D) and returns a fresh P(state | obs so far), length K. */
  update(ob: ArrayLike<number>): Float64Array;
  /** Forgets the history: the next update starts again from the prior. */
  reset(): void;
  /** Operation count of one `update`, for benchmarks. */
  readonly costPerBar: FilterCost;
}

export interface RegimeFilterOptions {
  /** Distribution of the state before the first observation's emission (default params.pi). */
  prior?: ArrayLike<number>;
  /**
   * Continue a filter: the filtered distribution of the bar before the first observation (e.g.
   * a stored last point); the prior is its one-step prediction p̂_j = Σ_i after_i a_ij. Not
   * with `prior`.
   */
  after?: ArrayLike<number>;
}

/**
 * Incremental forward filter. Step t: predict p̂_j = Σ_i p_{t−1}(i) a_ij (p̂ = prior at t = 0),
 * then p_t(j) ∝ p̂_j b_j(o_t), evaluated as exp(ln p̂_j + ln b_j(o_t) − max) so that neither
 * tiny predictions nor extreme observations underflow.
 */
export function createRegimeFilter(params: HmmParams, options: RegimeFilterOptions = {}): RegimeFilter {
  const m = compileParams(params);
  const { K, D, A } = m;
  if (options.prior && options.after)
    throw new RangeError('createRegimeFilter: give prior or after, not both');
  const prior = Float64Array.from(options.after ? predictNext(options.after, A, K) : (options.prior ?? m.pi));
  if (prior.length !== K)
    throw new RangeError(`createRegimeFilter: prior has length ${prior.length}, not ${K}`);
  let s = 0;
  for (const p of prior) {
    if (!(Number.isFinite(p) && p >= 0)) throw new RangeError(`createRegimeFilter: prior value ${p}`);
    s += p;
  }
  if (!(s > 0)) throw new RangeError('createRegimeFilter: prior sums to 0');
  for (let k = 0; k < K; k++) prior[k] = prior[k]! / s;

  let prev: Float64Array | null = null;
  let bars = 0;
  const logB = new Float64Array(K);
  const logW = new Float64Array(K);

  function update(ob: ArrayLike<number>): Float64Array {
    if (ob.length !== D)
      throw new RangeError(`RegimeFilter.update: observation length ${ob.length}, not ${D}`);
    logEmissionsInto(m, ob, logB);
    let max = -Infinity;
    for (let j = 0; j < K; j++) {
      let pred: number;
      if (prev === null) pred = prior[j]!;
      else {
        pred = 0;
        for (let i = 0; i < K; i++) pred += prev[i]! * A[i * K + j]!;
      }
      const w = Math.log(pred) + logB[j]!;
      logW[j] = w;
      if (w > max) max = w;
    }
    if (!Number.isFinite(max)) throw new RangeError(`RegimeFilter.update: observation ${bars} is not finite`);
    const out = new Float64Array(K);
    let total = 0;
    for (let j = 0; j < K; j++) {
      const w = Math.exp(logW[j]! - max);
      out[j] = w;
      total += w;
    }
    for (let j = 0; j < K; j++) out[j] = out[j]! / total;
    prev = out.slice();
    bars++;
    return out;
  }

  return {
    states: K,
    get bars() {
      return bars;
    },
    update,
    reset() {
      prev = null;
      bars = 0;
    },
    costPerBar: { states: K, dims: D, multiplyAdds: K * K + 3 * K * D, exp: K, log: K },
  };
}

function predictNext(after: ArrayLike<number>, A: Float64Array, K: number): Float64Array {
  if (after.length !== K)
    throw new RangeError(`createRegimeFilter: after has length ${after.length}, not ${K}`);
  const out = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    let s = 0;
    for (let i = 0; i < K; i++) s += after[i]! * A[i * K + j]!;
    out[j] = s;
  }
  return out;
}

/** P(s_t = k | obs[0..t]) for every t: `createRegimeFilter(params).update` over `obs` in order. */
export function forwardFilter(
  obs: readonly ArrayLike<number>[],
  params: HmmParams,
  options: RegimeFilterOptions = {},
): Float64Array[] {
  const filter = createRegimeFilter(params, options);
  checkObservations(obs, filter.costPerBar.dims);
  return obs.map((ob) => filter.update(ob));
}
