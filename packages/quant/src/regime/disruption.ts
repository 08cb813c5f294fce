/** Portfolio disruption at regime transitions: hard switching vs probability blending. */
import { mostLikelyRegime, REGIME_LABELS, type RegimeLabel, type RegimeProbabilities } from './labels';
import { DEFAULT_SMOOTHING_HALF_LIFE, smoothRegimeProbabilities } from './smoothing';

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
  /**
   * Half-life in bars of the causal EMA of the probabilities behind `blendedSmoothed` (default
   * DEFAULT_SMOOTHING_HALF_LIFE, 10; the engine serves the same smoothing).
   */
  smoothingHalfLife?: number;
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
 * ignored (turnover from regime changes only). 0 when there is no transition. `blendedSmoothed`
 * blends the causally smoothed probabilities (smoothing.ts); the EMA is linear, so that is the
 * EMA of the blended weight.
 */
export function regimeDisruption(
  probs: readonly RegimeProbabilities[],
  allocation: Readonly<RegimeAllocation> = DEFAULT_REGIME_ALLOCATION,
  options: RegimeDisruptionOptions = {},
): RegimeDisruption {
  const halfLife = options.smoothingHalfLife ?? DEFAULT_SMOOTHING_HALF_LIFE;
  for (const l of REGIME_LABELS) {
    if (!Number.isFinite(allocation[l]))
      throw new RangeError(`regimeDisruption: allocation.${l} is not finite`);
  }
  const blendOf = (p: Readonly<RegimeProbabilities>) =>
    p.bull * allocation.bull + p.bear * allocation.bear + p.sideways * allocation.sideways;
  const smoothed = smoothRegimeProbabilities(probs, halfLife);
  let transitions = 0;
  let hardSum = 0;
  let blendSum = 0;
  let smoothSum = 0;
  let hardAll = 0;
  let blendAll = 0;
  let prevLabel: RegimeLabel | undefined;
  let prevBlend = 0;
  let prevSmooth = 0;
  probs.forEach((p, t) => {
    const label = mostLikelyRegime(p);
    const blend = blendOf(p);
    const smooth = blendOf(smoothed[t]!);
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
  });
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

/** Turnover of a held portfolio path, on the regime-transition bars vs the others. */
export interface PortfolioDisruption {
  /** Bars in the path. */
  bars: number;
  /** Bars t ≥ 1 flagged as regime transitions. */
  transitions: number;
  /** Mean one-way turnover over the transition bars. */
  transitionTurnover: number;
  /** Mean one-way turnover over the bars t ≥ 1 that are not transitions. */
  otherTurnover: number;
  /** Mean one-way turnover over all bars t ≥ 1. */
  allTurnover: number;
}

/**
 * How much a held portfolio trades when the regime changes. `path[t]` are the weights held after
 * bar t's decision (symbol → fraction of portfolio value; a missing symbol is 0; cash is
 * 1 − Σ w), `transitions[t]` is true when the most likely (filtered) regime at bar t differs
 * from bar t − 1's (`transitions[0]` is ignored: bar 0 has no predecessor). One-way turnover at
 * t ≥ 1 = ½ Σ_i |w_t,i − w_{t−1,i}| + ½ |Δcash|, the fraction of value bought (= sold); for one
 * risky asset it is |Δw|, as in `regimeDisruption`. Means are 0 over an empty set of bars.
 */
export function portfolioDisruption(
  path: ReadonlyArray<Readonly<Record<string, number>>>,
  transitions: readonly boolean[],
): PortfolioDisruption {
  if (transitions.length !== path.length) {
    throw new RangeError(
      `portfolioDisruption: transitions has ${transitions.length} entries for ${path.length} bars of path`,
    );
  }
  let onTransitions = 0;
  let transitionSum = 0;
  let otherSum = 0;
  let prevInvested = 0;
  path.forEach((weights, t) => {
    let invested = 0;
    for (const symbol in weights) {
      const w = weights[symbol]!;
      if (!Number.isFinite(w))
        throw new RangeError(`portfolioDisruption: path[${t}].${symbol} = ${w} is not finite`);
      invested += w;
    }
    if (t > 0) {
      const prev = path[t - 1]!;
      let traded = 0;
      for (const symbol in weights) traded += Math.abs(weights[symbol]! - (prev[symbol] ?? 0));
      for (const symbol in prev) if (!(symbol in weights)) traded += Math.abs(prev[symbol]!);
      // Δcash = −Δ(Σ w).
      const turnover = 0.5 * traded + 0.5 * Math.abs(invested - prevInvested);
      if (transitions[t]) {
        onTransitions++;
        transitionSum += turnover;
      } else otherSum += turnover;
    }
    prevInvested = invested;
  });
  const steps = Math.max(0, path.length - 1);
  const others = steps - onTransitions;
  return {
    bars: path.length,
    transitions: onTransitions,
    transitionTurnover: onTransitions > 0 ? transitionSum / onTransitions : 0,
    otherTurnover: others > 0 ? otherSum / others : 0,
    allTurnover: steps > 0 ? (transitionSum + otherSum) / steps : 0,
  };
}
