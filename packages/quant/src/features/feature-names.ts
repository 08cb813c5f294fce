import { featureNames, type FeatureName } from '@tradeplane/contracts';

/** The contract's feature names, in vector order (declared once, in @tradeplane/contracts). */
export { featureNames, type FeatureName };

/** Every feature at every bar; NaN where a feature is not (yet) defined. */
export type FeatureSeries = Record<FeatureName, Float64Array>;

/** One point-in-time vector; null where the feature is not defined at that bar. */
export type FeatureVector = Record<FeatureName, number | null>;
