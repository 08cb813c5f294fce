import { z } from 'zod';

/**
 * Pre-trade risk limits (POST /api/v1/risk/check). Weights are fractions of equity. One piece,
 * kept apart from the engine's own keys, so every process that reads the limits composes it.
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
