export { featureNames, type FeatureName, type FeatureSeries, type FeatureVector } from './feature-names';
export { assertValidBars, barCount, sliceBars, type BarColumns } from './bars';
export { computeFeatureSeries, FEATURE_PARAMS, FEATURE_WARMUP } from './compute';
export { featureVectorAt, vectorFromSeries } from './vector';
export { IncrementalFeatures } from './incremental';
export {
  checkLookahead,
  featureValuesEqual,
  mulberry32,
  sampleIndices,
  type LookaheadOptions,
  type LookaheadReport,
  type LookaheadViolation,
} from './lookahead';
