/**
 * Causal smoothing of filtered regime probabilities: an exponential moving average with a
 * half-life in bars, s_0 = p_0, s_t = s_{t−1} + α (p_t − s_{t−1}), α = 1 − 0.5^(1/halfLife), so
 * a step in p is half absorbed after `halfLife` bars. Each s_t is a convex combination of
 * p_0..p_t, hence still a distribution and never dependent on a later bar. The disruption
 * measure and the engine's served regime both use this one step.
 */
import { REGIME_LABELS, type RegimeProbabilities } from './labels';

/** The half-life (bars) the disruption measure and the stored regime models default to. */
export const DEFAULT_SMOOTHING_HALF_LIFE = 10;

/** EMA weight of the newest bar for a half-life in bars; throws a RangeError unless 0 < halfLife < ∞. */
export function smoothingAlpha(halfLife: number): number {
  if (!(Number.isFinite(halfLife) && halfLife > 0)) {
    throw new RangeError(`smoothingHalfLife must be a finite number > 0, got ${halfLife}`);
  }
  return 1 - Math.pow(0.5, 1 / halfLife);
}

export interface RegimeSmoother {
  readonly halfLife: number;
  /** Bars consumed since creation / the last reset. */
  readonly bars: number;
  /** Consumes the filtered probabilities of the next bar; returns a fresh smoothed row. O(1). */
  update(p: Readonly<RegimeProbabilities>): RegimeProbabilities;
  reset(): void;
}

/** Incremental smoother: `update` once per bar, in bar order. */
export function createRegimeSmoother(halfLife: number = DEFAULT_SMOOTHING_HALF_LIFE): RegimeSmoother {
  const alpha = smoothingAlpha(halfLife);
  let prev: RegimeProbabilities | null = null;
  let bars = 0;
  return {
    halfLife,
    get bars() {
      return bars;
    },
    update(p) {
      const next: RegimeProbabilities = { bull: 0, bear: 0, sideways: 0 };
      for (const l of REGIME_LABELS) next[l] = prev === null ? p[l] : prev[l] + alpha * (p[l] - prev[l]);
      prev = next;
      bars++;
      return { ...next };
    },
    reset() {
      prev = null;
      bars = 0;
    },
  };
}

/** The smoothed row of every bar: `createRegimeSmoother(halfLife).update` over `rows` in order. */
export function smoothRegimeProbabilities(
  rows: readonly Readonly<RegimeProbabilities>[],
  halfLife: number = DEFAULT_SMOOTHING_HALF_LIFE,
): RegimeProbabilities[] {
  const smoother = createRegimeSmoother(halfLife);
  return rows.map((p) => smoother.update(p));
}
