import { sliceBars, type BarColumns } from './bars';
import { computeFeatureSeries } from './compute';
import { featureNames, type FeatureName, type FeatureSeries } from './feature-names';

export interface LookaheadViolation {
  feature: FeatureName;
  index: number;
  /** Value at `index` computed from bars[0..index] only. */
  truncated: number;
  /** Value at `index` computed from the full history. */
  full: number;
}

export interface LookaheadReport {
  ok: boolean;
  /** Number of indices checked. */
  checked: number;
  violations: LookaheadViolation[];
}

export interface LookaheadOptions {
  /** Bar indices to check (each in [0, n)). */
  sampleIndices: readonly number[];
  /** |a − b| ≤ tolerance · (1 + max(|a|, |b|)): absolute near 0, relative elsewhere. Default 1e-9. */
  tolerance?: number;
  /** The feature function under test (default: computeFeatureSeries). */
  compute?: (bars: BarColumns) => FeatureSeries;
}

/** Equal within tolerance; NaN equals NaN (both "not defined"); NaN vs a number is unequal. */
export function featureValuesEqual(a: number, b: number, tolerance = 1e-9): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= tolerance * (1 + Math.max(Math.abs(a), Math.abs(b)));
}

/**
 * Lookahead (leakage) check: for each sampled bar t, the features at t computed from the
 * history truncated at t must equal the features at t computed from the full history. Any
 * difference means the value at t used information from after t.
 * Cost: one full computation plus one computation per sampled index on t + 1 bars.
 */
export function checkLookahead(bars: BarColumns, options: LookaheadOptions): LookaheadReport {
  const { sampleIndices, tolerance = 1e-9, compute = computeFeatureSeries } = options;
  const n = bars.ts.length;
  const full = compute(bars);
  const violations: LookaheadViolation[] = [];
  let checked = 0;
  for (const t of sampleIndices) {
    if (!Number.isInteger(t) || t < 0 || t >= n) {
      throw new RangeError(`checkLookahead: sample index ${t} is outside [0, ${n - 1}]`);
    }
    const truncated = compute(sliceBars(bars, t + 1));
    for (const feature of featureNames) {
      const a = truncated[feature][t] ?? NaN;
      const b = full[feature][t] ?? NaN;
      if (!featureValuesEqual(a, b, tolerance)) violations.push({ feature, index: t, truncated: a, full: b });
    }
    checked++;
  }
  return { ok: violations.length === 0, checked, violations };
}

/** mulberry32: a small, fast, seeded 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` distinct indices in [0, n), sorted ascending, chosen uniformly with a seeded PRNG
 * (same arguments → same indices). Returns every index when count ≥ n.
 * Floyd's algorithm: O(count) draws whatever n is.
 */
export function sampleIndices(n: number, count: number, seed: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sampleIndices: n ${n} must be an integer ≥ 0`);
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`sampleIndices: count ${count} must be an integer ≥ 0`);
  }
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(seed);
  const chosen = new Set<number>();
  for (let j = n - count; j < n; j++) {
    const k = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(k) ? j : k);
  }
  return [...chosen].sort((x, y) => x - y);
}
