export { parseWidePrices, WidePricesError, type ParseWidePricesOptions, type PriceTable } from './prices';
export { logReturns, simpleReturns, type ReturnsTable } from './returns';
export {
  matrixEntry,
  pairwiseCorrelation,
  pairwiseCovariance,
  pairwiseCovCorr,
  type LabeledMatrix,
  type PairwiseOptions,
} from './covariance';
export { ewmaCorrelation, ewmaCovariance } from './ewma';
export { LINKAGE_METHODS, leavesList, linkage, type LinkageMethod, type LinkageRow } from './linkage';
export {
  clusterVariance,
  correlationDistance,
  distanceOfDistances,
  hrp,
  hrpFromMatrices,
  inverseVarianceWeights,
  recursiveBisection,
  type HrpOptions,
  type HrpResult,
} from './hrp';
export { inverseNormalCdf, logNormalCdf, normalPdf } from './normal';
export {
  historicalVar,
  parametricVar,
  portfolioReturns,
  portfolioVar,
  type MissingPolicy,
  type PortfolioReturns,
  type PortfolioVarOptions,
  type PortfolioVarResult,
  type VarFigures,
  type VarMethod,
} from './var';
export { checkLimits, type LimitBreach, type LimitCode, type LimitOptions } from './limits';
export { buildRiskModel, type RiskModel, type RiskModelOptions } from './risk-model';
export {
  checkOrders,
  DEFAULT_PRE_TRADE_LIMITS,
  preTradeLimits,
  type OrderOutcome,
  type PreTradeCode,
  type PreTradeLimitOptions,
  type PreTradeLimits,
  type PreTradeRequest,
  type PreTradeResult,
  type PreTradeRuleName,
  type PreTradeVerdict,
  type ProposedOrder,
  type RuleOutcome,
} from './pre-trade';
export {
  exposureBreach,
  projectIntoExposureLimits,
  type ExposureLimitRule,
  type ExposureProjection,
} from './exposure-projection';
