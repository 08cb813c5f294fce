import type { RegimeHistoryColumns, RegimeLabel } from '@tradeplane/db';
import { mostLikelyRegime, type HmmParams, type RegimeProbabilities } from '@tradeplane/quant';

/** What a stored regime model keeps in `params` (enough to run the filter and smoothing again). */
export interface StoredRegimeParams extends HmmParams {
  labels: RegimeLabel[];
  volWindow: number;
  /** Half-life (bars) of the smoothing the engine serves; absent on models stored before it (default). */
  smoothingHalfLife?: number;
}

/** Rows of labelled probabilities at the given bar times, as repository columns. */
export function toHistoryColumns(
  ts: ArrayLike<number>,
  rows: readonly RegimeProbabilities[],
): RegimeHistoryColumns {
  return {
    ts: Float64Array.from(ts),
    bull: Float64Array.from(rows, (r) => r.bull),
    bear: Float64Array.from(rows, (r) => r.bear),
    sideways: Float64Array.from(rows, (r) => r.sideways),
    regime: rows.map(mostLikelyRegime),
  };
}
