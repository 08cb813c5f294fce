import type { ReturnsTable } from './returns';

/** A square matrix with named rows and columns; `values[i][j]` is the (columns[i], columns[j]) entry. */
export interface LabeledMatrix {
  columns: string[];
  values: Float64Array[];
}

export interface PairwiseOptions {
  /** Delta degrees of freedom of the covariance divisor n − ddof (default 1, as pandas). */
  ddof?: number;
  /** Fewest overlapping observations for a defined entry; fewer gives NaN (default 2). */
  minPeriods?: number;
}

/**
 * Pairwise-complete covariance: entry (i, j) uses only the dates where both returns are
 * present, with the means taken over that same overlap. This is pandas `DataFrame.cov()`
 * (`libalgos.nancorr(cov=True)`), which PyPortfolioOpt's `HRPOpt` calls as `returns.cov()`.
 * The diagonal is each column's own sample variance over all its observations.
 * Caveat: a pairwise-complete matrix need not be positive semi-definite.
 */
export function pairwiseCovariance(table: ReturnsTable, options: PairwiseOptions = {}): LabeledMatrix {
  return pairwiseCovCorr(table, options).cov;
}

/**
 * Pairwise-complete Pearson correlation, as pandas `DataFrame.corr()`: each entry is
 * Sxy / √(Sxx·Syy) with all three sums over the pair's overlap (so the variances in the
 * denominator are those of the overlap window, not the diagonal of the covariance).
 * The diagonal is 1 (NaN for a column with zero variance or too few observations).
 */
export function pairwiseCorrelation(table: ReturnsTable, options: PairwiseOptions = {}): LabeledMatrix {
  return pairwiseCovCorr(table, options).corr;
}

/** Both matrices from one pass over each pair. */
export function pairwiseCovCorr(
  table: ReturnsTable,
  options: PairwiseOptions = {},
): { cov: LabeledMatrix; corr: LabeledMatrix } {
  const ddof = options.ddof ?? 1;
  const minPeriods = Math.max(options.minPeriods ?? 2, 1);
  const k = table.columns.length;
  if (table.returns.length !== k) {
    throw new RangeError(`returns table has ${k} columns but ${table.returns.length} series`);
  }
  const cov = squareNaN(k);
  const corr = squareNaN(k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const m = pairMoments(table.returns[i]!, table.returns[j]!);
      const c = m.n >= minPeriods && m.n > ddof ? m.sxy / (m.n - ddof) : NaN;
      const denominator = Math.sqrt(m.sxx * m.syy);
      let r = m.n >= minPeriods && denominator > 0 ? m.sxy / denominator : NaN;
      if (i === j && !Number.isNaN(r)) r = 1;
      else if (r > 1)
        r = 1; // rounding only: |Sxy| ≤ √(Sxx·Syy) by Cauchy–Schwarz
      else if (r < -1) r = -1;
      cov[i]![j] = cov[j]![i] = c;
      corr[i]![j] = corr[j]![i] = r;
    }
  }
  const columns = [...table.columns];
  return { cov: { columns, values: cov }, corr: { columns: [...columns], values: corr } };
}

/**
 * Centred sums over the dates where both x and y are finite: n, Sxx = Σ(x−x̄)², Syy, Sxy.
 * Two passes (means first), which is as accurate as pandas' Welford update for this purpose.
 */
export function pairMoments(
  x: Float64Array,
  y: Float64Array,
): { n: number; meanX: number; meanY: number; sxx: number; syy: number; sxy: number } {
  if (x.length !== y.length) throw new RangeError(`series lengths differ: ${x.length} vs ${y.length}`);
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  for (let t = 0; t < x.length; t++) {
    const a = x[t]!;
    const b = y[t]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      n++;
      sumX += a;
      sumY += b;
    }
  }
  const meanX = n > 0 ? sumX / n : NaN;
  const meanY = n > 0 ? sumY / n : NaN;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let t = 0; t < x.length; t++) {
    const a = x[t]!;
    const b = y[t]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      const dx = a - meanX;
      const dy = b - meanY;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
  }
  return { n, meanX, meanY, sxx, syy, sxy };
}

/** k×k matrix filled with NaN. */
export function squareNaN(k: number): Float64Array[] {
  return Array.from({ length: k }, () => new Float64Array(k).fill(NaN));
}

/** The entry for two named columns (throws on an unknown name). */
export function matrixEntry(m: LabeledMatrix, a: string, b: string): number {
  const i = m.columns.indexOf(a);
  const j = m.columns.indexOf(b);
  if (i < 0 || j < 0) throw new RangeError(`unknown column '${i < 0 ? a : b}'`);
  return m.values[i]![j]!;
}
