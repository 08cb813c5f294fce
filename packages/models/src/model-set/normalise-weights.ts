/**
 * Guard on the meta-controller's output (failure mode 3 in DESIGN.md): weights must be
 * finite, non-negative and sum to 1. A softmax graph always complies; a trained replacement
 * is only bound by its signature, so the engine checks every row before blending.
 */

export type WeightIssue = 'NON_FINITE' | 'NEGATIVE' | 'SUM_NOT_ONE' | 'ALL_ZERO';

export interface WeightsCheck {
  /** True when the weights were changed; the caller counts it and raises an alert. */
  fixed: boolean;
  /** What was wrong, in the order found; empty when `fixed` is false. */
  issues: readonly WeightIssue[];
}

/**
 * |Σw − 1| allowed before renormalising. A float32 softmax over a handful of columns is off
 * by a few 1e-8; anything past 1e-4 is a model error, not rounding.
 */
export const WEIGHT_SUM_TOLERANCE = 1e-4;

const OK: WeightsCheck = Object.freeze({ fixed: false, issues: Object.freeze([]) as readonly WeightIssue[] });

/**
 * Makes `weights` (changed in place) a point of the simplex and says whether it had to:
 * - any NaN or ±Infinity → equal weights (the model is not to be trusted on this input);
 * - negative entries → 0, then the rest renormalised;
 * - nothing left (all ≤ 0) → equal weights;
 * - Σw off by more than `tolerance` → divided by Σw.
 * Valid weights pass through untouched. No allocation on the valid path.
 */
export function normaliseWeights(
  weights: Float32Array | Float64Array | number[],
  tolerance = WEIGHT_SUM_TOLERANCE,
): WeightsCheck {
  const n = weights.length;
  if (n === 0) throw new RangeError('normaliseWeights: no weights');
  let sum = 0;
  let negative = false;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!Number.isFinite(w)) {
      weights.fill(1 / n);
      return { fixed: true, issues: ['NON_FINITE'] };
    }
    if (w < 0) negative = true;
    else sum += w;
  }
  if (!negative && Math.abs(sum - 1) <= tolerance) return OK;
  if (!Number.isFinite(sum)) {
    // Finite entries whose sum overflows (only possible in float64): nothing sensible to scale.
    weights.fill(1 / n);
    return { fixed: true, issues: ['NON_FINITE'] };
  }

  const issues: WeightIssue[] = [];
  if (negative) {
    issues.push('NEGATIVE');
    for (let i = 0; i < n; i++) if (weights[i]! < 0) weights[i] = 0;
  }
  if (sum <= 0) {
    issues.push('ALL_ZERO');
    weights.fill(1 / n);
    return { fixed: true, issues };
  }
  if (Math.abs(sum - 1) > tolerance) issues.push('SUM_NOT_ONE');
  for (let i = 0; i < n; i++) weights[i] = weights[i]! / sum;
  return { fixed: true, issues };
}
