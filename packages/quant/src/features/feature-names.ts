/**
 * Names of the point-in-time features, in vector order. Kept local so that the quant core
 * depends on nothing but `trading-signals`; `feature-names.test.ts` asserts that this list
 * is exactly `featureNames` of `@tradeplane/contracts`.
 */
export const featureNames = [
  'logReturn1',
  'logReturn5',
  'logReturn20',
  'realizedVol20',
  'rsi14',
  'macdHist',
  'bollingerPctB',
  'volumeZ20',
  'drawdown',
] as const;
export type FeatureName = (typeof featureNames)[number];

/** Every feature at every bar; NaN where a feature is not (yet) defined. */
export type FeatureSeries = Record<FeatureName, Float64Array>;

/** One point-in-time vector; null where the feature is not defined at that bar. */
export type FeatureVector = Record<FeatureName, number | null>;
