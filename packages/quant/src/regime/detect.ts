/** One call from closes to labelled regime probabilities (what the CLI prints). */
import { forwardFilter } from './filter';
import { fitGaussianHmm, type FitGaussianHmmOptions, type HmmFit } from './hmm';
import {
  fittedStates,
  labelStates,
  regimeProbabilities,
  type FittedRegimeState,
  type RegimeLabel,
  type RegimeProbabilityRow,
} from './labels';
import { regimeObservations } from './observations';

export interface DetectRegimesOptions extends FitGaussianHmmOptions {
  /** One date per close; the probability rows then carry dates. */
  dates?: readonly string[];
  /** Rolling-volatility window of the observations (default 20). */
  volWindow?: number;
}

export interface RegimeDetection {
  /** Index into `closes` of the first probability row. */
  firstIndex: number;
  fit: HmmFit;
  /** Label of each state index of `fit.params`. */
  labels: RegimeLabel[];
  /** Fitted states ordered bull, bear, sideways. */
  states: FittedRegimeState[];
  /** Filtered P(regime | bars up to t), one row per bar from `firstIndex`. */
  probabilities: RegimeProbabilityRow[];
}

/**
 * regimeObservations → fitGaussianHmm → labelStates → forwardFilter → regimeProbabilities.
 * The probabilities are causal given the parameters, but the parameters are fitted on the whole
 * series (in-sample); for a walk-forward use, fit on past data and filter new bars with
 * `createRegimeFilter`.
 */
export function detectRegimes(closes: Float64Array, options: DetectRegimesOptions = {}): RegimeDetection {
  const { dates, volWindow = 20, ...fitOptions } = options;
  if (dates !== undefined && dates.length !== closes.length) {
    throw new RangeError(`detectRegimes: ${dates.length} dates for ${closes.length} closes`);
  }
  const { obs, firstIndex } = regimeObservations(closes, volWindow);
  const fit = fitGaussianHmm(obs, fitOptions);
  const labels = labelStates(fit.params);
  const probabilities = regimeProbabilities(forwardFilter(obs, fit.params), labels, dates?.slice(firstIndex));
  return { firstIndex, fit, labels, states: fittedStates(fit.params, labels), probabilities };
}
