import { featureNames, type FeatureName } from '@tradeplane/contracts';
import { FEATURE_COUNT } from './signatures';

/**
 * The model input row for one feature vector: contract order, float32, null (or NaN) → 0.
 *
 * Null means "lookback window not full yet" (or no volume). The graphs take plain float
 * tensors, so a missing value must become a number; 0 is the neutral value for the
 * return-like features (log returns, MACD histogram, volume z-score, drawdown). For RSI,
 * %b and volatility 0 is NOT neutral, so a vector that is still warming up (any null other
 * than volumeZ20) gives meaningless signals: callers should not trade on it.
 */
export function featureRow(
  values: Readonly<Record<FeatureName, number | null>>,
  out: Float32Array = new Float32Array(FEATURE_COUNT),
): Float32Array {
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const v = values[featureNames[i]!];
    out[i] = v !== null && Number.isFinite(v) ? v : 0;
  }
  return out;
}

/** A per-feature weight map as a dense vector in contract order (unnamed features weigh 0). */
export function featureVector(weights: Readonly<Partial<Record<FeatureName, number>>>): number[] {
  return featureNames.map((name) => weights[name] ?? 0);
}

/** The column index of a feature in the model input. */
export function featureIndex(name: FeatureName): number {
  return featureNames.indexOf(name);
}
