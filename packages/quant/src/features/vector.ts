import { sliceBars, type BarColumns } from './bars';
import { computeFeatureSeries } from './compute';
import { featureNames, type FeatureSeries, type FeatureVector } from './feature-names';

/** The vector at bar `index` of a series (null for NaN). */
export function vectorFromSeries(series: FeatureSeries, index: number): FeatureVector {
  const out = {} as FeatureVector;
  for (const name of featureNames) {
    const v = series[name][index];
    out[name] = v !== undefined && Number.isFinite(v) ? v : null;
  }
  return out;
}

/**
 * Point-in-time feature vector at bar `index`, computed from bars[0..index] only (the
 * history is truncated before computing, so no later bar can influence it). Null where a
 * feature is not defined.
 */
export function featureVectorAt(bars: BarColumns, index: number): FeatureVector {
  const n = bars.ts.length;
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new RangeError(`featureVectorAt: index ${index} is outside [0, ${n - 1}]`);
  }
  return vectorFromSeries(computeFeatureSeries(sliceBars(bars, index + 1)), index);
}
