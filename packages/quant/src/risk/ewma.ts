import { squareNaN, type LabeledMatrix } from './covariance';
import type { ReturnsTable } from './returns';

/**
 * Exponentially weighted (RiskMetrics) covariance at the last date of the table.
 *
 * RiskMetrics (J.P. Morgan/Reuters, RiskMetrics — Technical Document, 4th ed. 1996, §5.2)
 * assumes zero-mean daily returns and the recursion Σ_t = λ·Σ_{t−1} + (1−λ)·r_t·r_tᵀ with
 * λ = 0.94 for daily data. We use its finite-sample form: with T dates and weights
 * w_t = λ^(T−1−t),
 *
 *   cov(i, j) = Σ_t w_t·r_i,t·r_j,t / Σ_t w_t     (sums over the dates where both are present)
 *
 * Missing-value policy (pairwise over available data): a date enters entry (i, j) only when
 * both returns are finite, and it keeps its calendar age (T−1−t counts rows of the table,
 * not observations of the pair), so an old observation is never promoted to "recent" by a
 * hole. Dividing by the sum of the weights actually used makes each entry a proper weighted
 * mean of r_i·r_j. This equals pandas `(r_i * r_j).ewm(alpha=1−λ, adjust=True).mean()` on its
 * last row (ignore_na=False ages by position). No data in common gives NaN.
 */
export function ewmaCovariance(table: ReturnsTable, lambda = 0.94): LabeledMatrix {
  return ewma(table, lambda, false);
}

/**
 * EWMA correlation from the same weighted sums: cov(i, j) / √(var_i·var_j), where both
 * variances are taken over the pair's common dates (so |ρ| ≤ 1 always). Where both series
 * are complete this is exactly cov(i, j)/√(cov(i, i)·cov(j, j)) of {@link ewmaCovariance}.
 */
export function ewmaCorrelation(table: ReturnsTable, lambda = 0.94): LabeledMatrix {
  return ewma(table, lambda, true);
}

function ewma(table: ReturnsTable, lambda: number, correlation: boolean): LabeledMatrix {
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`EWMA lambda must be in (0, 1), got ${lambda}`);
  const k = table.columns.length;
  const n = table.dates.length;
  // w_t = λ^(T−1−t), built from the newest date backwards; old weights underflow to 0, harmlessly.
  const weight = new Float64Array(n);
  let w = 1;
  for (let t = n - 1; t >= 0; t--) {
    weight[t] = w;
    w *= lambda;
  }
  const out = squareNaN(k);
  for (let i = 0; i < k; i++) {
    const x = table.returns[i]!;
    for (let j = i; j < k; j++) {
      const y = table.returns[j]!;
      let sw = 0;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let t = 0; t < n; t++) {
        const a = x[t]!;
        const b = y[t]!;
        if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
        const wt = weight[t]!;
        sw += wt;
        sxy += wt * a * b;
        sxx += wt * a * a;
        syy += wt * b * b;
      }
      let v = NaN;
      if (sw > 0) {
        if (!correlation) v = sxy / sw;
        else if (i === j) v = sxx > 0 ? 1 : NaN;
        else v = sxx > 0 && syy > 0 ? Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))) : NaN;
      }
      out[i]![j] = out[j]![i] = v;
    }
  }
  return { columns: [...table.columns], values: out };
}
