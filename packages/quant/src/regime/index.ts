/**
 * Market-regime detection: a 3-state Gaussian HMM (diagonal covariance) over daily
 * [log return, rolling volatility], fitted by Baum–Welch with scaled forward-backward
 * (Rabiner 1989), states named bull / bear / sideways, causal forward filtering and EMA
 * smoothing for live use (one bar at a time: `createRegimeStream`), and the turnover cost of
 * acting on regime changes, per allocation policy and for a held portfolio path.
 */
export {
  createRegimeObservationStream,
  regimeObservations,
  type RegimeObservations,
  type RegimeObservationStream,
} from './observations';
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
  mostLikelyRegime,
  regimeProbabilities,
  REGIME_LABELS,
  type FittedRegimeState,
  type RegimeLabel,
  type RegimeProbabilities,
  type RegimeProbabilityRow,
} from './labels';
export {
  DEFAULT_REGIME_ALLOCATION,
  portfolioDisruption,
  regimeDisruption,
  type PortfolioDisruption,
  type RegimeAllocation,
  type RegimeDisruption,
  type RegimeDisruptionOptions,
} from './disruption';
export {
  createRegimeSmoother,
  DEFAULT_SMOOTHING_HALF_LIFE,
  smoothingAlpha,
  smoothRegimeProbabilities,
  type RegimeSmoother,
} from './smoothing';
export {
  createRegimeStream,
  type RegimeStream,
  type RegimeStreamOptions,
  type RegimeStreamStep,
} from './stream';
export { detectRegimes, type DetectRegimesOptions, type RegimeDetection } from './detect';
