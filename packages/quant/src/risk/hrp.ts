/**
 * Hierarchical risk parity: M. López de Prado, "Building Diversified Portfolios that
 * Outperform Out of Sample", Journal of Portfolio Management 42(4), 2016 — implemented with
 * the conventions of PyPortfolioOpt `HRPOpt.optimize` (pypfopt/hierarchical_portfolio.py, v1.6):
 *
 * 1. cov = returns.cov(), corr = returns.corr() (pairwise-complete, ddof = 1);
 * 2. distance d_ij = √(clip((1 − ρ_ij)/2, 0, 1));
 * 3. `linkage(squareform(d), method)`: the correlation distance itself is clustered.
 *    (The paper's snippet passes the square matrix to SciPy, which then clusters the
 *    Euclidean "distance of distances" d̃_ij = √Σ_k (d_ki − d_kj)²; that variant is
 *    available as `distance: 'distance-of-distances'`.)
 * 4. quasi-diagonalisation: the dendrogram's leaf order (`to_tree(Z).pre_order()`);
 * 5. recursive bisection of that ordered list into halves (⌊n/2⌋ first), splitting each
 *    parent's weight by α = 1 − V₁/(V₁ + V₂), where V is the variance of the cluster's
 *    inverse-variance portfolio.
 */
import { pairwiseCovCorr, type LabeledMatrix } from './covariance';
import { leavesList, linkage, type LinkageMethod, type LinkageRow } from './linkage';
import type { ReturnsTable } from './returns';

export interface HrpOptions {
  /** Agglomeration method (default 'single', as PyPortfolioOpt and the paper). */
  linkage?: LinkageMethod;
  /** What is clustered (default 'correlation', as PyPortfolioOpt). */
  distance?: 'correlation' | 'distance-of-distances';
}

export interface HrpResult {
  /** Weight per column, in the input's column order; all ≥ 0, summing to 1. */
  weights: Record<string, number>;
  /** Columns in quasi-diagonal (dendrogram leaf) order. */
  order: string[];
  linkage: LinkageMethod;
  /** SciPy linkage matrix over the input's column indices: [a, b, distance, size] per merge. */
  dendrogram: LinkageRow[];
}

/** HRP weights from returns, using pairwise-complete covariance and correlation. */
export function hrp(returns: ReturnsTable, options: HrpOptions = {}): HrpResult {
  const { cov, corr } = pairwiseCovCorr(returns);
  return hrpFromMatrices(cov, corr, options);
}

/** HRP weights from a covariance and a correlation matrix over the same columns. */
export function hrpFromMatrices(
  cov: LabeledMatrix,
  corr: LabeledMatrix,
  options: HrpOptions = {},
): HrpResult {
  const method = options.linkage ?? 'single';
  const columns = cov.columns;
  if (corr.columns.length !== columns.length || corr.columns.some((c, i) => c !== columns[i])) {
    throw new RangeError('covariance and correlation must have the same columns in the same order');
  }
  const k = columns.length;
  if (k === 0) throw new RangeError('HRP needs at least one asset');
  for (let i = 0; i < k; i++) {
    const v = cov.values[i]![i]!;
    if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`variance of '${columns[i]}' is ${v}, not > 0`);
    for (let j = 0; j < i; j++) {
      if (!Number.isFinite(corr.values[i]![j]!) || !Number.isFinite(cov.values[i]![j]!)) {
        throw new RangeError(
          `'${columns[j]}' and '${columns[i]}' have no covariance (too little common data)`,
        );
      }
    }
  }
  let dist = correlationDistance(corr);
  if (options.distance === 'distance-of-distances') dist = distanceOfDistances(dist);
  const dendrogram = linkage(dist, method);
  const order = leavesList(dendrogram);
  const w = recursiveBisection(cov, order);
  const weights: Record<string, number> = {};
  columns.forEach((c, i) => (weights[c] = w[i]!));
  return { weights, order: order.map((i) => columns[i]!), linkage: method, dendrogram };
}

/** d_ij = √(clip((1 − ρ_ij)/2, 0, 1)): 0 for ρ = 1, 1 for ρ = −1 (a metric; López de Prado 2016, §3). */
export function correlationDistance(corr: LabeledMatrix): Float64Array[] {
  return corr.values.map((row) => row.map((rho) => Math.sqrt(Math.min(1, Math.max(0, (1 - rho) / 2)))));
}

/** d̃_ij = Euclidean distance between columns i and j of the distance matrix (López de Prado 2016, §3). */
export function distanceOfDistances(dist: Float64Array[]): Float64Array[] {
  const k = dist.length;
  return dist.map((_, i) => {
    const out = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += (dist[m]![i]! - dist[m]![j]!) ** 2;
      out[j] = Math.sqrt(s);
    }
    return out;
  });
}

/** Inverse-variance portfolio: w_i ∝ 1/σ²_i (López de Prado 2016, appendix `getIVP`). */
export function inverseVarianceWeights(cov: LabeledMatrix): Record<string, number> {
  const all = cov.columns.map((_, i) => i);
  const w = ivp(cov, all);
  const out: Record<string, number> = {};
  cov.columns.forEach((c, i) => (out[c] = w[i]!));
  return out;
}

function ivp(cov: LabeledMatrix, items: readonly number[]): Float64Array {
  const w = Float64Array.from(items, (i) => 1 / cov.values[i]![i]!);
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

/** wᵀΣw of the inverse-variance portfolio of `items` (PyPortfolioOpt `_get_cluster_var`). */
export function clusterVariance(cov: LabeledMatrix, items: readonly number[]): number {
  const w = ivp(cov, items);
  let v = 0;
  items.forEach((i, a) => {
    items.forEach((j, b) => (v += w[a]! * cov.values[i]![j]! * w[b]!));
  });
  return v;
}

/**
 * Top-down allocation over the quasi-diagonal order (PyPortfolioOpt `_raw_hrp_allocation`):
 * every cluster of more than one item is cut into its first ⌊n/2⌋ and remaining items; the
 * first half's weight is multiplied by α = 1 − V₁/(V₁ + V₂), the second's by 1 − α.
 * Returns weights indexed like the covariance's columns.
 */
export function recursiveBisection(cov: LabeledMatrix, order: readonly number[]): Float64Array {
  const w = new Float64Array(cov.columns.length);
  for (const i of order) w[i] = 1;
  let clusters: number[][] = [[...order]];
  while (clusters.length > 0) {
    clusters = clusters.flatMap((c) => {
      const half = Math.floor(c.length / 2);
      return c.length > 1 ? [c.slice(0, half), c.slice(half)] : [];
    });
    for (let p = 0; p < clusters.length; p += 2) {
      const first = clusters[p]!;
      const second = clusters[p + 1]!;
      const v1 = clusterVariance(cov, first);
      const v2 = clusterVariance(cov, second);
      const alpha = 1 - v1 / (v1 + v2);
      for (const i of first) w[i]! *= alpha;
      for (const i of second) w[i]! *= 1 - alpha;
    }
  }
  return w;
}
