import { z } from 'zod';

export const timeframeSchema = z.enum(['1m', '5m', '1h', '1d']);
export type Timeframe = z.infer<typeof timeframeSchema>;

/** Names of the point-in-time features, in vector order. */
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

/** A feature value is null while its lookback window is not yet full (or volume is absent). */
export const featureVectorSchema = z.object({
  symbol: z.string(),
  timeframe: timeframeSchema,
  /** Time of the last bar used (ISO 8601). Never later than the requested asOf. */
  barTime: z.string(),
  /** The asOf that was asked for (ISO 8601). */
  asOf: z.string(),
  values: z.record(z.enum(featureNames), z.number().nullable()),
  /**
   * How the engine answered: `memory`, a read of the feature columns it keeps for a series in
   * memory; `load`, the same after loading the series from the database on this request.
   */
  source: z.enum(['memory', 'load']),
});
export type FeatureVectorDto = z.infer<typeof featureVectorSchema>;
