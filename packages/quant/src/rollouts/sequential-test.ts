/**
 * The rollout's sequential test: is the candidate model set worse than the incumbent, judged
 * on paired per-decision outcomes, in a way that stays valid however often it is looked at.
 *
 * Data: d_i = net(candidate) − net(incumbent) on decision i, in decision order (both arms are
 * scored on every opportunity, so the comparison is paired).
 *
 * Variance: σ̂² = the Newey–West long-run variance of d (Bartlett kernel, lag
 * L = ⌊4 (n/100)^(2/9)⌋ by default, Newey & West 1994): γ̂₀ + 2 Σ_{k≤L} (1 − k/(L+1)) γ̂_k with
 * γ̂_k = (1/n) Σ (d_t − d̄)(d_{t−k} − d̄). It tolerates the serial correlation of outcomes
 * on overlapping positions and volatility clusters; the Bartlett weights keep it ≥ 0.
 *
 * Statistics (normal mixture SPRT, Robbins 1970; Howard et al. 2021 "Time-uniform, nonparametric,
 * nonasymptotic confidence sequences"): for S = Σ(x_i − θ₀) and an effect δ, the Gaussian
 * likelihood ratio is exp(δS/σ² − nδ²/2σ²). Mixing δ over a half-normal with scale τ = mixtureSd·σ̂
 * on the alternative's side gives, with r = nτ²/σ² = n·mixtureSd²,
 *   Λ = 2 (1 + r)^(−1/2) · exp(S² / (2σ²(n + 1/mixtureSd²))) · Φ(±S / (σ √(n + 1/mixtureSd²)))
 * (+ for side 'greater', − for 'less'). Two are computed:
 * - "worse":     H0 μ ≥ 0 vs μ < 0, on Σd, side 'less';
 * - "not worse": H0 μ ≤ −margin vs μ > −margin, on Σ(d + margin), side 'greater',
 *   margin = marginBps / 10⁴ per decision;
 * - and for A/B tests "better": H0 μ ≤ 0 vs μ > 0, on Σd, side 'greater'.
 * Each Λ is a nonnegative martingale under its H0 (at the boundary; a supermartingale inside it),
 * so by Ville's inequality P(sup_n Λ_n ≥ 1/alpha) ≤ alpha: the verdict may be read after every
 * decision. This is exact for known σ and independent normal d; with the plug-in HAC σ̂ it holds
 * asymptotically (the type-I test in sequential-test.test.ts measures it on real returns).
 *
 * Verdict (evidence ≥ threshold = 1/alpha):
 * - n < minSamples → 'insufficient' (evidence reported as 1, no band: σ̂ is too noisy before);
 * - evidenceWorse ≥ threshold → 'worse' (checked first: a candidate shown worse is never
 *   promoted, even within the margin);
 * - evidenceNotWorse ≥ threshold → 'not_worse';
 * - else 'inconclusive'.
 * σ̂ = 0 (every d equal: e.g. identical model sets give d ≡ 0) is read as the noiseless limit of
 * the same statistic: a strictly negative Σ is certain evidence (capped), a strictly positive
 * one none, Σ = 0 gives (1 + r)^(−1/2). So identical sets are 'not_worse' when margin > 0 and
 * 'inconclusive' with margin 0 (they sit on the null's boundary).
 *
 * Band: the two-sided normal mixture (δ ~ N(0, τ²)) crosses 1/alpha exactly when
 *   |S_n − nμ| > √(σ²(σ² + nτ²)/τ² · (2 ln(1/alpha) + ln(1 + nτ²/σ²))),
 * so mean ± that / n is an anytime-valid (1 − alpha) confidence sequence for μ (halfWidth).
 * mde = halfWidth: the smallest |mean d| whose band excludes 0 at this n.
 *
 * Defaults (contracts rolloutAnalysis): alpha 0.05 (threshold 20), mixtureSd 0.1 (tuned for
 * effects near 0.1 σ per decision), marginBps 2, minSamples 30. Evidence is computed in log
 * space and capped at EVIDENCE_CAP, never NaN or Infinity.
 */
import type { RolloutAnalysis, RolloutEvidence, RolloutVerdict } from '@tradeplane/contracts';
import { logNormalCdf } from '../risk';
import { largestTriangleThreeBuckets } from '../series';

/** Evidence values are capped here (and so stay finite however lopsided the data). */
export const EVIDENCE_CAP = 1e12;
const LOG_EVIDENCE_CAP = Math.log(EVIDENCE_CAP);

export interface PairedTestResult {
  n: number;
  meanDiff: number | null;
  sdDiff: number | null;
  hacLag: number;
  cumulativeDiff: number;
  evidenceWorse: number;
  evidenceNotWorse: number;
  /** Evidence that the candidate is better (mean d > 0, no margin): what ends an A/B test for it. */
  evidenceBetter: number;
  threshold: number;
  halfWidth: number | null;
  mde: number | null;
  verdict: RolloutVerdict;
}

/** Newey & West (1994)'s automatic lag for the Bartlett kernel, at most n − 1. */
const defaultLag = (n: number) => Math.max(0, Math.min(n - 1, Math.floor(4 * Math.pow(n / 100, 2 / 9))));

/** Newey–West long-run variance with the Bartlett kernel; lag default floor(4 (n/100)^(2/9)). */
export function neweyWestVariance(
  x: ArrayLike<number>,
  lag?: number,
): { variance: number; lag: number; mean: number } {
  const n = x.length;
  if (n === 0) throw new RangeError('neweyWestVariance needs at least one value');
  if (lag !== undefined && !(Number.isInteger(lag) && lag >= 0))
    throw new RangeError(`lag must be an integer >= 0, got ${lag}`);
  const L = Math.min(lag ?? defaultLag(n), n - 1);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`x[${i}] = ${x[i]} is not finite`);
    sum += x[i]!;
  }
  const mean = sum / n;
  let variance = 0;
  for (let k = 0; k <= L; k++) {
    let gamma = 0;
    for (let t = k; t < n; t++) gamma += (x[t]! - mean) * (x[t - k]! - mean);
    gamma /= n;
    variance += k === 0 ? gamma : 2 * (1 - k / (L + 1)) * gamma;
  }
  return { variance: Math.max(0, variance), lag: L, mean };
}

function checkMixture(n: number, variance: number, mixtureSd: number) {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`n must be an integer >= 0, got ${n}`);
  if (!(variance >= 0 && Number.isFinite(variance)))
    throw new RangeError(`variance must be finite and >= 0, got ${variance}`);
  if (!(mixtureSd > 0 && Number.isFinite(mixtureSd)))
    throw new RangeError(`mixtureSd must be finite and > 0, got ${mixtureSd}`);
}

/** ln Λ of the one-sided half-normal mixture (see the header), uncapped. */
function logMixtureEvidence(
  sum: number,
  n: number,
  variance: number,
  mixtureSd: number,
  side: 'greater' | 'less',
): number {
  const signed = side === 'greater' ? sum : -sum;
  const r = n * mixtureSd * mixtureSd;
  const shrink = -0.5 * Math.log1p(r);
  if (n === 0) return 0;
  if (variance === 0) {
    if (signed > 0) return Infinity;
    if (signed < 0) return -Infinity;
    return shrink;
  }
  const scale = Math.sqrt(variance * (n + 1 / (mixtureSd * mixtureSd)));
  const z = signed / scale;
  return Math.LN2 + shrink + halfSquarePlusLogCdf(z);
}

/**
 * z²/2 + ln Φ(z). Far in the lower tail both terms are huge and cancel (z² can overflow), so
 * there it is the Mills-ratio expansion ln Φ(z) = −z²/2 − ½ ln 2π − ln(−z) + ln(1 − 1/z² + 3/z⁴)
 * with the z² taken out (error below 1e-7 for z < −30).
 */
function halfSquarePlusLogCdf(z: number): number {
  if (z < -30) {
    const inv2 = 1 / (z * z);
    return -0.5 * Math.log(2 * Math.PI) - Math.log(-z) + Math.log1p(-inv2 + 3 * inv2 * inv2);
  }
  return 0.5 * z * z + logNormalCdf(z);
}

const capEvidence = (logEvidence: number) =>
  logEvidence >= LOG_EVIDENCE_CAP ? EVIDENCE_CAP : Math.exp(logEvidence);

/** One-sided normal-mixture SPRT statistic (half-normal mixture on the effect, scale mixtureSd·σ) for Σ(x−θ0). */
export function mixtureEvidence(
  sum: number,
  n: number,
  variance: number,
  mixtureSd: number,
  side: 'greater' | 'less',
): number {
  checkMixture(n, variance, mixtureSd);
  if (Number.isNaN(sum)) throw new RangeError('sum must be a number, got NaN');
  return capEvidence(logMixtureEvidence(sum, n, variance, mixtureSd, side));
}

/** Anytime-valid (1−alpha) half-width on the mean from the two-sided normal mixture. */
export function confidenceHalfWidth(n: number, variance: number, mixtureSd: number, alpha: number): number {
  checkMixture(n, variance, mixtureSd);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (n === 0) throw new RangeError('confidenceHalfWidth needs n >= 1');
  const c2 = mixtureSd * mixtureSd;
  // σ²(σ² + nτ²)/τ² with τ = mixtureSd·σ is σ²(1/c² + n).
  return Math.sqrt(variance * (1 / c2 + n) * (2 * Math.log(1 / alpha) + Math.log1p(n * c2))) / n;
}

function finiteDiffs(diffs: ArrayLike<number>): void {
  for (let i = 0; i < diffs.length; i++)
    if (!Number.isFinite(diffs[i])) throw new RangeError(`diffs[${i}] = ${diffs[i]} is not finite`);
}

/** The test on paired per-decision differences d = net(candidate) − net(incumbent), in decision order. */
export function pairedTest(diffs: ArrayLike<number>, params: RolloutAnalysis): PairedTestResult {
  finiteDiffs(diffs);
  const n = diffs.length;
  const threshold = 1 / params.alpha;
  let cumulativeDiff = 0;
  for (let i = 0; i < n; i++) cumulativeDiff += diffs[i]!;
  const hac = n > 0 ? neweyWestVariance(diffs) : null;
  const meanDiff = hac ? hac.mean : null;
  const sdDiff = hac && n > 1 ? Math.sqrt(hac.variance) : null;
  const hacLag = hac?.lag ?? 0;
  if (!hac || n < params.minSamples)
    return {
      n,
      meanDiff,
      sdDiff,
      hacLag,
      cumulativeDiff,
      evidenceWorse: 1,
      evidenceNotWorse: 1,
      evidenceBetter: 1,
      threshold,
      halfWidth: null,
      mde: null,
      verdict: 'insufficient',
    };
  const { variance } = hac;
  const margin = params.marginBps / 1e4;
  const evidenceWorse = mixtureEvidence(cumulativeDiff, n, variance, params.mixtureSd, 'less');
  const evidenceNotWorse = mixtureEvidence(
    cumulativeDiff + n * margin,
    n,
    variance,
    params.mixtureSd,
    'greater',
  );
  const evidenceBetter = mixtureEvidence(cumulativeDiff, n, variance, params.mixtureSd, 'greater');
  const halfWidth = confidenceHalfWidth(n, variance, params.mixtureSd, params.alpha);
  const verdict: RolloutVerdict =
    evidenceWorse >= threshold ? 'worse' : evidenceNotWorse >= threshold ? 'not_worse' : 'inconclusive';
  return {
    n,
    meanDiff,
    sdDiff,
    hacLag,
    cumulativeDiff,
    evidenceWorse,
    evidenceNotWorse,
    evidenceBetter,
    threshold,
    halfWidth,
    mde: halfWidth,
    verdict,
  };
}

/**
 * Newey–West variances of the prefixes x[0, n) for each n of `ends` (ascending), each with its
 * own default lag: one pass with running lagged cross sums, O(N · L_max) rather than
 * O(N · L) per prefix. Values are shifted by the overall mean first (it cancels exactly in
 * the centred sums and keeps the raw products small).
 */
function prefixNeweyWestVariances(x: ArrayLike<number>, ends: ArrayLike<number>): Float64Array {
  const N = x.length;
  const out = new Float64Array(ends.length);
  if (N === 0) return out;
  let total = 0;
  for (let i = 0; i < N; i++) total += x[i]!;
  const shift = total / N;
  const y = Float64Array.from({ length: N }, (_, i) => x[i]! - shift);
  const prefix = new Float64Array(N + 1);
  for (let i = 0; i < N; i++) prefix[i + 1] = prefix[i]! + y[i]!;
  const maxLag = defaultLag(N);
  const cross = new Float64Array(maxLag + 1);
  let e = 0;
  for (let t = 0; t < N && e < ends.length; t++) {
    for (let k = 0; k <= Math.min(t, maxLag); k++) cross[k] = cross[k]! + y[t]! * y[t - k]!;
    while (e < ends.length && ends[e] === t + 1) {
      const n = t + 1;
      const L = defaultLag(n);
      const m = prefix[n]! / n;
      let variance = 0;
      for (let k = 0; k <= L; k++) {
        // Σ_{s=k}^{n−1} (y_s − m)(y_{s−k} − m) from the raw sums.
        const centred = cross[k]! - m * (prefix[n]! - prefix[k]!) - m * prefix[n - k]! + (n - k) * m * m;
        const gamma = centred / n;
        variance += k === 0 ? gamma : 2 * (1 - k / (L + 1)) * gamma;
      }
      out[e++] = Math.max(0, variance);
    }
  }
  return out;
}

/** Cumulative Σd with band (n·(mean ± halfWidth) at each n, using the variance estimate at n), downsampled to ≤ maxPoints (keep the last point). */
export function pairedCurve(
  diffs: ArrayLike<number>,
  asOf: readonly string[],
  params: RolloutAnalysis,
  maxPoints = 200,
): RolloutEvidence['curve'] {
  finiteDiffs(diffs);
  const N = diffs.length;
  if (asOf.length !== N) throw new RangeError(`asOf has ${asOf.length} entries for ${N} diffs`);
  if (N === 0) return [];
  const counts = Float64Array.from({ length: N }, (_, i) => i + 1);
  const cumulative = new Float64Array(N);
  let running = 0;
  for (let i = 0; i < N; i++) cumulative[i] = running += diffs[i]!;
  // Largest-triangle downsampling keeps the first and last point and the curve's swings.
  const kept = largestTriangleThreeBuckets(counts, cumulative, maxPoints);
  const ends = Float64Array.from(kept, (i) => i + 1);
  const variances = prefixNeweyWestVariances(diffs, ends);
  return Array.from(kept, (i, j) => {
    const n = i + 1;
    const band = n * confidenceHalfWidth(n, variances[j]!, params.mixtureSd, params.alpha);
    const at = cumulative[i]!;
    return { n, asOf: asOf[i]!, cumulative: at, lower: at - band, upper: at + band };
  });
}
