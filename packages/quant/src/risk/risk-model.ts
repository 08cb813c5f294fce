/**
 * The risk model snapshot the pre-trade check runs on: a positive semi-definite covariance of
 * daily returns plus correlation clusters, built once (engine start, after imports) so that a
 * check only reads it.
 *
 * Estimation, chosen so that symbols with different histories (late listings, holes, data
 * sets ending on different dates) still get a usable, NaN-free matrix:
 * - volatility σ_i: sample standard deviation (n − 1) of the symbol's own last `lookbackDays`
 *   returns;
 * - correlation ρ_ij: Pearson over the pair's last `lookbackDays` common dates (both finite);
 *   a pair with fewer than `minOverlap` common returns gets the mean of the defined
 *   correlations (the constant-correlation fill of Elton & Gruber, "Estimating the dependence
 *   structure of share prices", Journal of Finance 28(5), 1973);
 * - repair: pairwise windows need not give a PSD matrix, so negative eigenvalues of the
 *   correlation are clipped to 0 and the diagonal rescaled to 1 (R. Rebonato & P. Jäckel,
 *   "The most general methodology to create a valid correlation matrix", 1999), which keeps
 *   wᵀΣw ≥ 0 and the VaR convex in the order size;
 * - covariance Σ_ij = ρ_ij·σ_i·σ_j.
 *
 * Clusters: average-linkage clustering of the correlation distance d = √((1 − ρ)/2)
 * (López de Prado 2016, as in `hrp.ts`), cut at `clusterThreshold` (SciPy `fcluster` with
 * criterion 'distance'). With average linkage a cut at d = 0.5 groups names whose mean
 * pairwise correlation is at least 0.5.
 */
import { linkage, type LinkageMethod } from './linkage';
import type { ReturnsTable } from './returns';

export interface RiskModelOptions {
  /** Returns per symbol (and common returns per pair) used, newest first (default 252: one year). */
  lookbackDays?: number;
  /** A symbol with fewer returns in its window is left out of the model (default 60). */
  minObservations?: number;
  /** A pair with fewer common returns gets the mean correlation (default 60). */
  minOverlap?: number;
  /** Correlation distance √((1 − ρ)/2) at which the dendrogram is cut (default 0.5, i.e. ρ ≈ 0.5). */
  clusterThreshold?: number;
  /** Agglomeration method of the clustering (default 'average'). */
  linkage?: LinkageMethod;
}

export interface RiskModel {
  /** Modelled symbols, in the returns table's column order. */
  symbols: string[];
  index: Map<string, number>;
  /** n×n covariance of daily simple returns, row-major, positive semi-definite. */
  covariance: Float64Array;
  /** Daily volatility √Σ_ii per symbol. */
  volatility: Float64Array;
  /** n×n correlation after repair, row-major. */
  correlation: Float64Array;
  /** Cluster of each symbol: an index into `clusters`. */
  clusterOf: Int32Array;
  /** Members of each cluster, in symbol order; singletons included. */
  clusters: string[][];
  /** Returns in each symbol's window. */
  observations: Int32Array;
  /** Date of each symbol's newest return. */
  lastDate: string[];
  /** Newest date of the table. */
  asOf: string;
  /** Columns left out, with the reason. */
  excluded: Array<{ symbol: string; reason: string }>;
  /** Pairs whose correlation was filled with the mean (too little common history). */
  filledPairs: number;
  /** Whether negative eigenvalues had to be clipped. */
  repaired: boolean;
  options: Required<RiskModelOptions>;
}

const DEFAULTS: Required<RiskModelOptions> = {
  lookbackDays: 252,
  minObservations: 60,
  minOverlap: 60,
  clusterThreshold: 0.5,
  linkage: 'average',
};

/** Builds the snapshot from a returns table (NaN = no return that day). O(n²·lookback + n³). */
export function buildRiskModel(table: ReturnsTable, options: RiskModelOptions = {}): RiskModel {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  if (!Number.isInteger(o.lookbackDays) || o.lookbackDays < 2)
    throw new RangeError(`lookbackDays must be an integer ≥ 2, got ${o.lookbackDays}`);
  if (!(o.minObservations >= 2 && o.minObservations <= o.lookbackDays))
    throw new RangeError(`minObservations must be in [2, lookbackDays], got ${o.minObservations}`);
  if (!(o.minOverlap >= 2)) throw new RangeError(`minOverlap must be ≥ 2, got ${o.minOverlap}`);
  if (!(o.clusterThreshold >= 0 && o.clusterThreshold <= 1))
    throw new RangeError(
      `clusterThreshold must be a correlation distance in [0, 1], got ${o.clusterThreshold}`,
    );
  if (table.returns.length !== table.columns.length)
    throw new RangeError(
      `returns table has ${table.columns.length} columns but ${table.returns.length} series`,
    );

  const T = table.dates.length;
  const kept: number[] = [];
  const excluded: RiskModel['excluded'] = [];
  const volatility: number[] = [];
  const observations: number[] = [];
  const lastDate: string[] = [];
  const seen = new Set<string>();
  table.columns.forEach((symbol, c) => {
    const r = table.returns[c]!;
    if (r.length !== T) throw new RangeError(`column '${symbol}' has ${r.length} returns for ${T} dates`);
    if (seen.has(symbol)) throw new RangeError(`duplicate column '${symbol}'`);
    seen.add(symbol);
    const { n, sd, last } = ownWindow(r, o.lookbackDays);
    if (n < o.minObservations) {
      excluded.push({ symbol, reason: `${n} returns in the window, at least ${o.minObservations} needed` });
    } else if (!(sd > 0)) {
      excluded.push({ symbol, reason: 'zero variance' });
    } else {
      kept.push(c);
      volatility.push(sd);
      observations.push(n);
      lastDate.push(table.dates[last]!);
    }
  });

  const n = kept.length;
  const corr = new Float64Array(n * n);
  const defined = new Uint8Array(n * n);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    corr[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) {
      const rho = pairCorrelation(
        table.returns[kept[i]!]!,
        table.returns[kept[j]!]!,
        o.lookbackDays,
        o.minOverlap,
      );
      if (Number.isFinite(rho)) {
        corr[i * n + j] = corr[j * n + i] = rho;
        defined[i * n + j] = 1;
        sum += rho;
        count++;
      }
    }
  }
  const fill = count > 0 ? sum / count : 0;
  let filledPairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (!defined[i * n + j]) {
        corr[i * n + j] = corr[j * n + i] = fill;
        filledPairs++;
      }
    }
  }
  const repaired = repairCorrelation(corr, n);

  const covariance = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) covariance[i * n + j] = corr[i * n + j]! * volatility[i]! * volatility[j]!;
  }
  const symbols = kept.map((c) => table.columns[c]!);
  const { clusterOf, clusters } = correlationClusters(symbols, corr, o.clusterThreshold, o.linkage);
  return {
    symbols,
    index: new Map(symbols.map((s, i) => [s, i])),
    covariance,
    volatility: Float64Array.from(volatility),
    correlation: corr,
    clusterOf,
    clusters,
    observations: Int32Array.from(observations),
    lastDate,
    asOf: table.dates[T - 1] ?? '',
    excluded,
    filledPairs,
    repaired,
    options: o,
  };
}

/** Count, sample sd and newest row of a series' last `lookback` finite returns. */
function ownWindow(r: Float64Array, lookback: number): { n: number; sd: number; last: number } {
  let n = 0;
  let sum = 0;
  let last = -1;
  let t = r.length - 1;
  for (; t >= 0 && n < lookback; t--) {
    const x = r[t]!;
    if (!Number.isFinite(x)) continue;
    if (last < 0) last = t;
    n++;
    sum += x;
  }
  if (n < 2) return { n, sd: NaN, last };
  const mean = sum / n;
  let ss = 0;
  for (let u = r.length - 1; u > t; u--) {
    const x = r[u]!;
    if (Number.isFinite(x)) ss += (x - mean) ** 2;
  }
  return { n, sd: Math.sqrt(ss / (n - 1)), last };
}

/** Pearson correlation over the last `lookback` dates where both are finite; NaN below `minOverlap`. */
function pairCorrelation(x: Float64Array, y: Float64Array, lookback: number, minOverlap: number): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let t = x.length - 1;
  for (; t >= 0 && n < lookback; t--) {
    const a = x[t]!;
    const b = y[t]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    n++;
    sx += a;
    sy += b;
  }
  if (n < minOverlap) return NaN;
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let u = x.length - 1; u > t; u--) {
    const a = x[u]!;
    const b = y[u]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    sxx += (a - mx) ** 2;
    syy += (b - my) ** 2;
    sxy += (a - mx) * (b - my);
  }
  const d = Math.sqrt(sxx * syy);
  return d > 0 ? Math.max(-1, Math.min(1, sxy / d)) : NaN;
}

/**
 * Clips negative eigenvalues of a correlation matrix (in place) and rescales to a unit
 * diagonal; returns whether anything was clipped. Matrices already PSD are left untouched.
 */
export function repairCorrelation(corr: Float64Array, n: number): boolean {
  if (n < 2) return false;
  const { values, vectors } = symmetricEigen(corr, n);
  let min = Infinity;
  for (const v of values) min = Math.min(min, v);
  if (min >= -1e-12) return false;
  const clipped = values.map((v) => Math.max(v, 0));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k]! * clipped[k]! * vectors[j * n + k]!;
      corr[i * n + j] = corr[j * n + i] = s;
    }
  }
  const scale = Float64Array.from({ length: n }, (_, i) => 1 / Math.sqrt(corr[i * n + i]!));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      corr[i * n + j] = i === j ? 1 : Math.max(-1, Math.min(1, corr[i * n + j]! * scale[i]! * scale[j]!));
    }
  }
  return true;
}

/**
 * Eigen-decomposition of a symmetric n×n row-major matrix by cyclic Jacobi rotations
 * (Golub & Van Loan, Matrix Computations, §8.5): A = V·diag(values)·Vᵀ, eigenvector k in
 * column k of V. Quadratic convergence; ample for the few hundred symbols of a universe.
 */
export function symmetricEigen(m: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (const x of a) norm += x * x;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off <= 1e-30 * norm) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        // Rotation angle that zeroes a_pq, the smaller root for stability (Numerical Recipes §11.1).
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]!), vectors: v };
}

/** Flat clusters: merges of the dendrogram at a distance ≤ threshold are joined (union–find). */
function correlationClusters(
  symbols: string[],
  corr: Float64Array,
  threshold: number,
  method: LinkageMethod,
): { clusterOf: Int32Array; clusters: string[][] } {
  const n = symbols.length;
  const dist = Array.from({ length: n }, (_, i) =>
    Float64Array.from({ length: n }, (_, j) =>
      Math.sqrt(Math.min(1, Math.max(0, (1 - corr[i * n + j]!) / 2))),
    ),
  );
  // Union–find over linkage ids: leaves 0..n−1, the cluster of row k is n + k.
  const parent = Int32Array.from({ length: Math.max(2 * n - 1, 0) }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  linkage(dist, method).forEach(([a, b, d], k) => {
    if (d <= threshold) parent[find(a)] = parent[find(b)] = n + k;
  });
  const clusterOf = new Int32Array(n);
  const idOfRoot = new Map<number, number>();
  const clusters: string[][] = [];
  for (let i = 0; i < n; i++) {
    const root = find(i);
    let id = idOfRoot.get(root);
    if (id === undefined) {
      idOfRoot.set(root, (id = clusters.length));
      clusters.push([]);
    }
    clusterOf[i] = id;
    clusters[id]!.push(symbols[i]!);
  }
  return { clusterOf, clusters };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
