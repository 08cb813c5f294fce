export { dailyReturnsTable } from './daily-returns';
export {
  riskConfigSchema,
  riskLimitsFromConfig,
  riskModelOptionsFromConfig,
  type RiskConfig,
} from './risk-config';
export { computeRiskReport, type RiskReport, type VarFigure, type WeightEntry } from './risk-report';
export {
  MIN_REPORT_DAYS,
  RiskReportError,
  riskReportErrorCodes,
  RiskReportService,
  type RiskReportErrorCode,
  type RiskReportQuery,
  type RiskReportSource,
} from './risk-report.service';
export {
  repositoryRiskUniverse,
  RiskService,
  type DailyBarSource,
  type RiskModelInfo,
  type RiskSnapshot,
  type RiskUniverse,
} from './risk-service';
