/** Portfolio disruption at regime transitions: hard switching vs probability blending. */
import { REGIME_LABELS, type RegimeLabel, type RegimeProbabilities } from './labels';

/** Exposure to the risky asset in each regime (fraction of portfolio value; the rest is cash). */
export type RegimeAllocation = Record<RegimeLabel, number>;

/** Default exposures: fully invested in a bull regime, 60 % sideways, 20 % bear. */
export const DEFAULT_REGIME_ALLOCATION: Readonly<RegimeAllocation> = { bull: 1.0, sideways: 0.6, bear: 0.2 };

export interface RegimeDisruption {
  /** Bars t ≥ 1 whose most likely regime differs from bar t − 1's. */
  transitions: number;
  /** Mean |w_t − w_{t−1}| over the transition bars, w = allocation of the most likely regime. */
  hardSwitch: number;
  /** Mean |w_t − w_{t−1}| over the transition bars, w = Σ_k P(k)·allocation_k. */
  blended: number;
  /** Mean |w_t − w_{t−1}| of the hard-switch weight over all bars t ≥ 1 (context for the above). */
  hardSwitchAllBars: number;
  /** Mean |w_t − w_{t−1}| of the blended weight over all bars t ≥ 1. */
  blendedAllBars: number;
  /**
   * Mean |w_t − w_{t−1}| over the transition bars for the blended weight smoothed by a causal
   * EMA (half-life `smoothingHalfLife` bars): trades less per bar, at the cost of lag.
   */
  blendedSmoothed: number;
  smoothingHalfLife: number;
}

export interface RegimeDisruptionOptions {
  /** Half-life in bars of the EMA applied to the blended weight for `blendedSmoothed` (default 10). */
  smoothingHalfLife?: number;
}

function mostLikely(p: RegimeProbabilities): RegimeLabel {
  // Ties go to the first label in REGIME_LABELS order (bull, bear, sideways).
  let best: RegimeLabel = REGIME_LABELS[0];
  for (const l of REGIME_LABELS) if (p[l] > p[best]) best = l;
  return best;
}

/**
 * How much a regime-driven allocation trades when the regime changes.
 *
 * Two policies hold w_t of the portfolio in the risky asset and 1 − w_t in cash, rebalanced to
 * target at every bar:
 * - hard switch: w_t = allocation[argmax_k P_t(k)] (argmax ties → bull, bear, sideways order);
 * - blended:     w_t = Σ_k P_t(k) · allocation[k].
 * Measure: one-way turnover |w_t − w_{t−1}|, the fraction of portfolio value traded at bar t
 * (buys or sells, not both), averaged over the transition bars, i.e. the bars t ≥ 1 where the
 * most likely regime differs from bar t − 1's. Price drift of the weights between bars is
 * ignored (turnover from regime changes only). 0 when there is no transition.
 */
export function regimeDisruption(
  probs: readonly RegimeProbabilities[],
  allocation: Readonly<RegimeAllocation> = DEFAULT_REGIME_ALLOCATION,
  options: RegimeDisruptionOptions = {},
): RegimeDisruption {
  const halfLife = options.smoothingHalfLife ?? 10;
  if (!(halfLife > 0)) throw new RangeError('regimeDisruption: smoothingHalfLife must be > 0');
  // EMA weight per bar for the given half-life: after `halfLife` bars a step is half absorbed.
  const alpha = 1 - Math.pow(0.5, 1 / halfLife);
  let smoothSum = 0;
  let prevSmooth = 0;
  for (const l of REGIME_LABELS) {
    if (!Number.isFinite(allocation[l]))
      throw new RangeError(`regimeDisruption: allocation.${l} is not finite`);
  }
  let transitions = 0;
  let hardSum = 0;
  let blendSum = 0;
  let hardAll = 0;
  let blendAll = 0;
  let prevLabel: RegimeLabel | undefined;
  let prevBlend = 0;
  for (const p of probs) {
    const label = mostLikely(p);
    const blend = p.bull * allocation.bull + p.bear * allocation.bear + p.sideways * allocation.sideways;
    const smooth = prevLabel === undefined ? blend : prevSmooth + alpha * (blend - prevSmooth);
    if (prevLabel !== undefined) {
      const dHard = Math.abs(allocation[label] - allocation[prevLabel]);
      const dBlend = Math.abs(blend - prevBlend);
      hardAll += dHard;
      blendAll += dBlend;
      if (label !== prevLabel) {
        transitions++;
        hardSum += dHard;
        blendSum += dBlend;
        smoothSum += Math.abs(smooth - prevSmooth);
      }
    }
    prevLabel = label;
    prevBlend = blend;
    prevSmooth = smooth;
  }
  const steps = Math.max(0, probs.length - 1);
  return {
    transitions,
    hardSwitch: transitions > 0 ? hardSum / transitions : 0,
    blended: transitions > 0 ? blendSum / transitions : 0,
    hardSwitchAllBars: steps > 0 ? hardAll / steps : 0,
    blendedAllBars: steps > 0 ? blendAll / steps : 0,
    blendedSmoothed: transitions > 0 ? smoothSum / transitions : 0,
    smoothingHalfLife: halfLife,
  };
}
