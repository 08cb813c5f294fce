export { dailyReturnsTable } from './daily-returns';
export { riskLimitsFromConfig, riskModelOptionsFromConfig } from './risk-config';
export { handleRiskCheck, readJsonBody, RISK_CHECK_PATH } from './risk-check.route';
export { parseRiskCheckRequest, riskCheckRequestSchema } from './risk-check.schema';
export {
  repositoryRiskUniverse,
  RiskService,
  type RiskModelInfo,
  type RiskSnapshot,
  type RiskUniverse,
} from './risk-service';
