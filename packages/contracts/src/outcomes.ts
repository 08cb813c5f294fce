import { z } from 'zod';

/**
 * The outcome ledger's shared vocabulary: the arms a row can belong to, the model label rows
 * are grouped by, and the `outcomeRecorded` message the workers publish (sampled) for the
 * gateway's subscription.
 */

/**
 * Arms of a ledger row: the one that acted (production or canary, the decision's routing arm)
 * and the shadow, scored on the same opportunity and never acted on. A rollout's other arm is
 * added here and to the table's CHECK list.
 */
export const outcomeArms = ['production', 'canary', 'shadow'] as const;
export type OutcomeArm = (typeof outcomeArms)[number];

export function isOutcomeArm(value: string): value is OutcomeArm {
  return (outcomeArms as readonly string[]).includes(value);
}

/** waiting: the next bar is not stored yet; recorded: the result is known (set once). */
export const outcomeStatuses = ['waiting', 'recorded'] as const;
export type OutcomeStatus = (typeof outcomeStatuses)[number];

/**
 * The model versions of a row as one text, the key summaries group by: `name@vN` in name
 * order joined by '+' (`mean_reversion@v1+momentum@v2`); `none` for an empty set.
 */
export function modelLabel(versions: Readonly<Record<string, number>>): string {
  const names = Object.keys(versions).sort();
  return names.length === 0 ? 'none' : names.map((n) => `${n}@v${versions[n]}`).join('+');
}

/** An arm's result on one decision, summed over its targets. */
export const armResult = z.object({
  arm: z.enum(outcomeArms),
  modelLabel: z.string(),
  gross: z.number(),
  cost: z.number(),
  net: z.number(),
  /** Σ |target − current| over the targets. */
  turnover: z.number(),
});
export type ArmResult = z.infer<typeof armResult>;

/**
 * Published on Redis (channels.outcomeRecorded) when a decision's outcome is recorded, for a
 * sample of decisions (OUTCOME_SUBSCRIPTION_SAMPLE per second at most): the acted arm first,
 * then the arms scored beside it.
 */
export const outcomeRecorded = z.object({
  decisionId: z.string(),
  portfolioId: z.string().nullable(),
  timeframe: z.string(),
  asOf: z.string(),
  /** The bar whose close the result runs to. */
  nextBarTime: z.string(),
  recordedAt: z.string(),
  arms: z.array(armResult).min(1),
});
export type OutcomeRecorded = z.infer<typeof outcomeRecorded>;
