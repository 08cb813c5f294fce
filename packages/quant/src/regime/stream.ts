/**
 * The served regime of a series, one close at a time: observation (log return, rolling vol),
 * forward-filter step, labelled probabilities, causal EMA. Each push is O(K² + K·D + volWindow),
 * independent of the history, and a stream over closes 0..t gives exactly what a rebuild over
 * those closes gives (the batch functions run the same steps).
 */
import { createRegimeFilter } from './filter';
import { type RegimeLabel, type RegimeProbabilities } from './labels';
import type { HmmParams } from './model';
import { createRegimeObservationStream } from './observations';
import { createRegimeSmoother, DEFAULT_SMOOTHING_HALF_LIFE } from './smoothing';

export interface RegimeStreamOptions {
  /** Rolling-volatility window of the observations (default 20). */
  volWindow?: number;
  /** Half-life in bars of the smoothing (default DEFAULT_SMOOTHING_HALF_LIFE). */
  halfLife?: number;
}

export interface RegimeStreamStep {
  /** P(regime | bars ≤ t), the forward filter. */
  filtered: RegimeProbabilities;
  /** Its causal EMA: what a decision receives. */
  smoothed: RegimeProbabilities;
}

export interface RegimeStream {
  readonly volWindow: number;
  readonly halfLife: number;
  /** Closes consumed so far. */
  readonly bars: number;
  /** The next close; null while the volatility window is filling. */
  push(close: number): RegimeStreamStep | null;
}

export function createRegimeStream(
  params: HmmParams,
  labels: readonly RegimeLabel[],
  options: RegimeStreamOptions = {},
): RegimeStream {
  const { volWindow = 20, halfLife = DEFAULT_SMOOTHING_HALF_LIFE } = options;
  if (labels.length !== params.pi.length) {
    throw new RangeError(`createRegimeStream: ${labels.length} labels for ${params.pi.length} states`);
  }
  const observations = createRegimeObservationStream(volWindow);
  const filter = createRegimeFilter(params);
  const smoother = createRegimeSmoother(halfLife);
  return {
    volWindow,
    halfLife,
    get bars() {
      return observations.bars;
    },
    push(close) {
      const ob = observations.push(close);
      if (ob === null) return null;
      const p = filter.update(ob);
      const filtered: RegimeProbabilities = { bull: 0, bear: 0, sideways: 0 };
      for (let k = 0; k < labels.length; k++) filtered[labels[k]!] += p[k]!;
      return { filtered, smoothed: smoother.update(filtered) };
    },
  };
}
