export { handleRiskCheck, RISK_CHECK_PATH } from './risk-check.route';
export { parseRiskCheckRequest, riskCheckRequestSchema } from './risk-check.schema';
// The risk model, its service and the RISK_* limits are shared with the gateway's risk report
// (@tradeplane/risk); this folder is the engine's HTTP route over them.
export {
  dailyReturnsTable,
  repositoryRiskUniverse,
  riskConfigSchema,
  riskLimitsFromConfig,
  riskModelOptionsFromConfig,
  RiskService,
  type RiskConfig,
  type RiskModelInfo,
  type RiskSnapshot,
  type RiskUniverse,
} from '@tradeplane/risk';
