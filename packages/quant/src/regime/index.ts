/**
 * Market-regime detection: a 3-state Gaussian HMM (diagonal covariance) over daily
 * [log return, rolling volatility], fitted by Baum–Welch with scaled forward-backward
 * (Rabiner 1989), states named bull / bear / sideways, causal forward filtering for live use,
 * and the turnover cost of acting on regime changes.
 */
export { regimeObservations, type RegimeObservations } from './observations';
export type { HmmParams } from './model';
export {
  fitGaussianHmm,
  hmmLogLikelihood,
  smoothedProbabilities,
  type FitGaussianHmmOptions,
  type HmmFit,
} from './hmm';
export {
  createRegimeFilter,
  forwardFilter,
  type FilterCost,
  type RegimeFilter,
  type RegimeFilterOptions,
} from './filter';
export {
  fittedStates,
  labelStates,
  regimeProbabilities,
  REGIME_LABELS,
  type FittedRegimeState,
  type RegimeLabel,
  type RegimeProbabilities,
  type RegimeProbabilityRow,
} from './labels';
export {
  DEFAULT_REGIME_ALLOCATION,
  regimeDisruption,
  type RegimeAllocation,
  type RegimeDisruption,
  type RegimeDisruptionOptions,
} from './disruption';
export { detectRegimes, type DetectRegimesOptions, type RegimeDetection } from './detect';
