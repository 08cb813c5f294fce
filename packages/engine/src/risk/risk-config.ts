import type { RiskConfig } from '@tradeplane/platform';
import { preTradeLimits, type PreTradeLimits, type RiskModelOptions } from '@tradeplane/quant';

/** The check's limits from the risk configuration (RISK_* in .env.example). */
export function riskLimitsFromConfig(config: RiskConfig): PreTradeLimits {
  return preTradeLimits({
    maxConcentration: config.RISK_MAX_CONCENTRATION,
    symbolLimits: config.RISK_SYMBOL_LIMITS,
    maxGross: config.RISK_MAX_GROSS,
    minNet: config.RISK_MIN_NET,
    maxNet: config.RISK_MAX_NET,
    varLevel: config.RISK_VAR_LEVEL,
    maxVar: config.RISK_MAX_VAR,
    maxClusterGross: config.RISK_MAX_CLUSTER_GROSS,
    allowUnknownSymbols: config.RISK_ALLOW_UNKNOWN_SYMBOLS,
  });
}

export function riskModelOptionsFromConfig(config: RiskConfig): RiskModelOptions {
  return { lookbackDays: config.RISK_LOOKBACK_DAYS, clusterThreshold: config.RISK_CLUSTER_THRESHOLD };
}
