/** Test fixtures on real data: SPY feature rows and decisions built from them. */
export { spyDecision, type SpyDecisionSpec } from './spy-decision';
export { spyFeatures, type SpyFeatures } from './spy-features';
