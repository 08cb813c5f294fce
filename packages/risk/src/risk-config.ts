import { preTradeLimits, type PreTradeLimits, type RiskModelOptions } from '@tradeplane/quant';
import { z } from 'zod';

/**
 * The risk limits and the risk model's settings (RISK_* in .env.example). Weights are
 * fractions of equity. The engine's pre-trade check and the gateway's risk report parse this
 * same schema once at start, so both judge a portfolio against the same limits.
 */
export const riskConfigSchema = z.object({
  /** Largest |weight| of one position. */
  RISK_MAX_CONCENTRATION: z.coerce.number().min(0).default(0.25),
  /** Per-symbol largest |weight|, replacing RISK_MAX_CONCENTRATION: `AMD:0.05,SPY:0.5`. */
  RISK_SYMBOL_LIMITS: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const limits: Record<string, number> = {};
      for (const item of raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const [symbol, value] = item.split(':').map((s) => s.trim());
        const limit = Number(value);
        if (!symbol || value === undefined || value === '' || !(limit >= 0)) {
          ctx.addIssue({ code: 'custom', message: `'${item}' is not SYMBOL:limit with a limit ≥ 0` });
          return z.NEVER;
        }
        limits[symbol.toUpperCase()] = limit;
      }
      return limits;
    }),
  /** Largest gross exposure Σ|w| (1 = no leverage). */
  RISK_MAX_GROSS: z.coerce.number().min(0).default(1),
  /** Net exposure Σw must stay in [RISK_MIN_NET, RISK_MAX_NET]. */
  RISK_MIN_NET: z.coerce.number().default(-1),
  RISK_MAX_NET: z.coerce.number().default(1),
  /** Confidence of the 1-day parametric VaR. */
  RISK_VAR_LEVEL: z.coerce.number().gt(0.5).lt(1).default(0.99),
  /** Largest 1-day VaR, fraction of equity. */
  RISK_MAX_VAR: z.coerce.number().min(0).default(0.025),
  /** Largest Σ|w| within one correlation cluster. */
  RISK_MAX_CLUSTER_GROSS: z.coerce.number().min(0).default(0.4),
  /** Accept orders adding exposure to symbols without daily history in the risk model. */
  RISK_ALLOW_UNKNOWN_SYMBOLS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Daily returns per symbol (and common returns per pair) in the covariance. */
  RISK_LOOKBACK_DAYS: z.coerce.number().int().min(2).default(252),
  /** Correlation distance √((1 − ρ)/2) at which correlation clusters are cut (0.5 ≈ ρ 0.5). */
  RISK_CLUSTER_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
});
export type RiskConfig = z.infer<typeof riskConfigSchema>;

/** The check's limits from the risk configuration; a RangeError names a contradictory pair. */
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
