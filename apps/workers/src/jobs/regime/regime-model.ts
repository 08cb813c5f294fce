import type { RegimeHistoryColumns, RegimeLabel } from '@tradeplane/db';
import type { HmmParams, RegimeProbabilities } from '@tradeplane/quant';

/** What a stored regime model keeps in `params` (enough to run the filter again). */
export interface StoredRegimeParams extends HmmParams {
  labels: RegimeLabel[];
  volWindow: number;
}

export function mostLikely(p: RegimeProbabilities): RegimeLabel {
  if (p.bull >= p.bear && p.bull >= p.sideways) return 'bull';
  return p.bear >= p.sideways ? 'bear' : 'sideways';
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
    regime: rows.map(mostLikely),
  };
}
