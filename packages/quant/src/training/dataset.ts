/**
 * The supervised dataset the specialists and the meta-controller train on: one sample per
 * (symbol, bar) on a shared calendar (the market's dates), holding
 *   - the point-in-time feature row x_t in `featureNames` order (computed from the symbol's
 *     bars ≤ t only; null → 0, with a mask saying which values were defined),
 *   - the target r_{t+1} = close_{t+1} / close_t − 1: the return of the NEXT bar. The label
 *     at t uses bar t + 1, which is what a position decided at the close of t earns; it is
 *     legitimate as a training label and never available at serve time (the engine only
 *     ever sees x_t),
 *   - the causal regime probabilities P(bull, bear, sideways | market bars ≤ t).
 * Splits are date ranges (inclusive ISO dates). A sample belongs to a split when both t and
 * t + 1 lie inside it, so no label crosses a split boundary (a one-bar embargo).
 */
import type { BarColumns } from '../features/bars';
import { computeFeatureSeries } from '../features/compute';
import { featureNames, type FeatureName } from '../features/feature-names';
import { REGIME_LABELS } from '../regime/labels';

export const FEATURE_COUNT = featureNames.length;
export const REGIME_COUNT = REGIME_LABELS.length;

/** One symbol's history; `dates[i]` is the ISO date of bar i. */
export interface SymbolBars {
  symbol: string;
  dates: readonly string[];
  bars: BarColumns;
}

/** Inclusive ISO date range. */
export interface DateRange {
  from: string;
  to: string;
}

export interface DatasetSplits {
  train: DateRange;
  validation: DateRange;
  test: DateRange;
}

export type SplitName = keyof DatasetSplits;

export interface BuildDatasetInput {
  /** The shared calendar (the market's dates, ascending). */
  calendar: readonly string[];
  /** Row-major [calendar.length, 3] causal regime probabilities (bull, bear, sideways); NaN before the filter starts. */
  regime: Float64Array;
  symbols: readonly SymbolBars[];
  splits: DatasetSplits;
  /**
   * Features that may be missing in a usable sample (default ['volumeZ20']: close-only data
   * has no volume). A sample with any other feature undefined is still warming up and dropped.
   */
  optionalFeatures?: readonly FeatureName[];
}

export interface TrainingDataset {
  calendar: readonly string[];
  symbols: string[];
  /** Number of samples n, ordered by (calendar index, symbol index). */
  size: number;
  /** Row-major [n, F] raw features, null → 0. */
  features: Float64Array;
  /** Row-major [n, F]: 1 where the feature was defined. */
  mask: Uint8Array;
  /** [n] next-bar simple return r_{t+1}. */
  target: Float64Array;
  /** Row-major [n, 3] regime probabilities at t. */
  regime: Float64Array;
  /** [n] calendar index t of each sample. */
  time: Int32Array;
  /** [n] index into `symbols`. */
  symbol: Int32Array;
  /** Per symbol, calendar-aligned closes (NaN where the symbol has no bar). */
  closes: Float64Array[];
  /** Sample indices per split (ascending). */
  splits: Record<SplitName, Int32Array>;
}

/** Calendar indices [start, end] (inclusive) of a date range; throws when the range is empty. */
export function calendarRange(calendar: readonly string[], range: DateRange): [number, number] {
  let start = -1;
  let end = -1;
  for (let t = 0; t < calendar.length; t++) {
    const d = calendar[t]!;
    if (d >= range.from && d <= range.to) {
      if (start < 0) start = t;
      end = t;
    }
  }
  if (start < 0) throw new RangeError(`no calendar date in [${range.from}, ${range.to}]`);
  return [start, end];
}

export function buildDataset(input: BuildDatasetInput): TrainingDataset {
  const { calendar, regime, symbols, splits } = input;
  const T = calendar.length;
  if (regime.length !== T * REGIME_COUNT)
    throw new RangeError(`buildDataset: regime has ${regime.length} values for ${T} dates`);
  const optional = new Set(input.optionalFeatures ?? ['volumeZ20']);
  const dateIndex = new Map(calendar.map((d, t) => [d, t]));

  // Per symbol, calendar-aligned closes and feature columns (NaN where undefined or no bar).
  const closes: Float64Array[] = [];
  const columns: Float64Array[][] = [];
  for (const s of symbols) {
    if (s.dates.length !== s.bars.close.length)
      throw new RangeError(
        `buildDataset: ${s.symbol} has ${s.dates.length} dates for ${s.bars.close.length} bars`,
      );
    const series = computeFeatureSeries(s.bars);
    const close = new Float64Array(T).fill(NaN);
    const cols = featureNames.map(() => new Float64Array(T).fill(NaN));
    s.dates.forEach((d, i) => {
      const t = dateIndex.get(d);
      if (t === undefined) return;
      close[t] = s.bars.close[i]!;
      featureNames.forEach((name, f) => (cols[f]![t] = series[name][i]!));
    });
    closes.push(close);
    columns.push(cols);
  }

  const F = FEATURE_COUNT;
  const keep: Array<[number, number]> = [];
  for (let t = 0; t + 1 < T; t++) {
    if (!Number.isFinite(regime[t * REGIME_COUNT]!)) continue;
    for (let s = 0; s < symbols.length; s++) {
      const c0 = closes[s]![t]!;
      const c1 = closes[s]![t + 1]!;
      if (!(c0 > 0 && c1 > 0)) continue;
      const warm = featureNames.every(
        (name, f) => optional.has(name) || Number.isFinite(columns[s]![f]![t]!),
      );
      if (warm) keep.push([t, s]);
    }
  }

  const n = keep.length;
  const features = new Float64Array(n * F);
  const mask = new Uint8Array(n * F);
  const target = new Float64Array(n);
  const regimeRows = new Float64Array(n * REGIME_COUNT);
  const time = new Int32Array(n);
  const symbol = new Int32Array(n);
  keep.forEach(([t, s], i) => {
    for (let f = 0; f < F; f++) {
      const v = columns[s]![f]![t]!;
      const defined = Number.isFinite(v);
      features[i * F + f] = defined ? v : 0;
      mask[i * F + f] = defined ? 1 : 0;
    }
    target[i] = closes[s]![t + 1]! / closes[s]![t]! - 1;
    for (let k = 0; k < REGIME_COUNT; k++) regimeRows[i * REGIME_COUNT + k] = regime[t * REGIME_COUNT + k]!;
    time[i] = t;
    symbol[i] = s;
  });

  const inSplit = (range: DateRange) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = time[i]!;
      if (calendar[t]! >= range.from && calendar[t + 1]! <= range.to) out.push(i);
    }
    return Int32Array.from(out);
  };
  const result: TrainingDataset = {
    calendar,
    symbols: symbols.map((s) => s.symbol),
    size: n,
    features,
    mask,
    target,
    regime: regimeRows,
    time,
    symbol,
    closes,
    splits: {
      train: inSplit(splits.train),
      validation: inSplit(splits.validation),
      test: inSplit(splits.test),
    },
  };
  for (const name of ['train', 'validation', 'test'] as const) {
    if (result.splits[name].length === 0)
      throw new RangeError(`buildDataset: the ${name} split has no sample`);
  }
  return result;
}

/** Per-feature standardisation z = (x − mean) / scale, estimated on one split. */
export interface FeatureScaling {
  mean: Float64Array;
  /** Sample standard deviation; 1 for a constant feature (e.g. an absent volume). */
  scale: Float64Array;
}

export function featureScaling(data: TrainingDataset, indices: Int32Array): FeatureScaling {
  const F = FEATURE_COUNT;
  const mean = new Float64Array(F);
  const scale = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    let s = 0;
    for (const i of indices) s += data.features[i * F + f]!;
    const m = s / indices.length;
    let v = 0;
    for (const i of indices) v += (data.features[i * F + f]! - m) ** 2;
    const sd = Math.sqrt(v / Math.max(indices.length - 1, 1));
    mean[f] = m;
    scale[f] = sd > 1e-12 ? sd : 1;
  }
  return { mean, scale };
}

/** Row-major [indices.length, F] standardised features of the given samples. */
export function standardise(
  data: TrainingDataset,
  indices: Int32Array,
  scaling: FeatureScaling,
): Float64Array {
  const F = FEATURE_COUNT;
  const out = new Float64Array(indices.length * F);
  indices.forEach((i, r) => {
    for (let f = 0; f < F; f++)
      out[r * F + f] = (data.features[i * F + f]! - scaling.mean[f]!) / scaling.scale[f]!;
  });
  return out;
}

/** The values of a per-sample column at the given samples. */
export function gather(values: Float64Array, indices: Int32Array, width = 1): Float64Array {
  const out = new Float64Array(indices.length * width);
  indices.forEach((i, r) => {
    for (let k = 0; k < width; k++) out[r * width + k] = values[i * width + k]!;
  });
  return out;
}
