import { z } from 'zod';

/**
 * A market replay on the engine (`/api/v1/replays`): its cut-off, and what the engine scored
 * beside each decision made for the replay's portfolio — the regime counterfactuals a
 * paper-trading client reports disruption with. The engine writes it; `tradeplane replay`
 * reads it.
 */

const regimeLabel = z.enum(['bull', 'bear', 'sideways']);

/** One decision of the replay's portfolio, scored three ways on the same opportunity. */
export const replayCounterfactual = z.object({
  decisionId: z.string(),
  asOf: z.string(),
  /** Most likely regime of the input served (smoothed) and of the raw forward filter. */
  regime: z.object({ served: regimeLabel, filtered: regimeLabel }),
  /**
   * Proposed weight per target symbol (before the risk check): with the regime served, with the
   * raw filtered probabilities, and with the hard switch (one-hot of the filtered argmax).
   */
  proposed: z.object({
    served: z.record(z.string(), z.number()),
    filtered: z.record(z.string(), z.number()),
    hard: z.record(z.string(), z.number()),
  }),
});
export type ReplayCounterfactual = z.infer<typeof replayCounterfactual>;

export const replayState = z.object({
  id: z.string(),
  timeframe: z.string(),
  /** Bars after this time (ISO 8601) were hidden when the replay started. */
  cutoff: z.string(),
  symbols: z.array(z.string()),
  /** Every series the replay hides, the regime benchmark included (`SYMBOL timeframe`). */
  series: z.array(z.string()),
  startedAt: z.string(),
  /** Decisions for this portfolio id are scored with the regime counterfactuals; null: none. */
  portfolioId: z.string().nullable(),
  counterfactuals: z.object({
    /** Scored decisions, oldest first (at most the engine's cap; the rest are counted in `dropped`). */
    decisions: z.array(replayCounterfactual),
    dropped: z.number().int(),
  }),
  /** Present on the DELETE response. */
  ended: z.boolean().optional(),
});
export type ReplayState = z.infer<typeof replayState>;
