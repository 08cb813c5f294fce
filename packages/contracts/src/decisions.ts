import { z } from 'zod';

/**
 * The decision engine's output and the trading halt, shared by the engine (producer), the
 * gateway and workers (consumers of the Kafka `decisions` topic) and the console.
 */

export const regimeProbabilities = z.object({ bull: z.number(), bear: z.number(), sideways: z.number() });

export const specialistContribution = z.object({
  name: z.string(),
  version: z.number().int(),
  /** The specialist's signal in [-1, 1]. */
  signal: z.number(),
  /** The meta-controller's weight on it (on the simplex). */
  weight: z.number(),
});

export const riskRuleVerdict = z.object({
  rule: z.string(),
  passed: z.boolean(),
  binding: z.boolean(),
  code: z.string().nullable(),
  limit: z.number().nullable(),
  actual: z.number().nullable(),
  after: z.number().nullable(),
  detail: z.string(),
});

export const decisionTarget = z.object({
  symbol: z.string(),
  /** Time of the last bar the features used (never after asOf). */
  barTime: z.string(),
  features: z.record(z.string(), z.number().nullable()),
  specialists: z.array(specialistContribution),
  /** Σ weight × signal, in [-1, 1]. */
  blendedSignal: z.number(),
  currentWeight: z.number(),
  /** What the models asked for, before the risk check. */
  proposedWeight: z.number(),
  /** What the risk check allowed. */
  targetWeight: z.number(),
  /** True when the meta-controller's weights had to be normalised (NaN, negative, sum ≠ 1). */
  weightsNormalised: z.boolean(),
  /**
   * False while a lookback window is not full (a feature other than volumeZ20 is null): the
   * signals are then not traded on and the proposed weight is the current one.
   */
  featuresComplete: z.boolean().optional(),
});

export const decisionEvent = z.object({
  /** Sortable and unique: 48-bit ms timestamp + randomness, Crockford base32 (ULID). */
  id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/),
  /** The routing key (the client's, or derived from the request); replaying it routes the same way. */
  requestKey: z.string(),
  at: z.number(),
  timeframe: z.string(),
  asOf: z.string(),
  regime: regimeProbabilities,
  /**
   * Where `regime` came from: the stored regime model's version and the benchmark bar the
   * forward filter reached at asOf; `model: null` and a `note` when the uniform 1/3 was used.
   */
  regimeSource: z
    .object({
      model: z.string().nullable(),
      symbol: z.string(),
      barTime: z.string().nullable(),
      note: z.string().nullable(),
    })
    .optional(),
  confidence: z.number(),
  targets: z.array(decisionTarget),
  risk: z.object({
    verdict: z.enum(['approve', 'resize', 'reject']),
    scale: z.number(),
    bindingRule: z.string().nullable(),
    rules: z.array(riskRuleVerdict),
  }),
  /** Model versions used: `name → version`, and the routing arm (`production`, `canary`). */
  models: z.object({
    arm: z.string(),
    versions: z.record(z.string(), z.number().int()),
    /** `name → label`: `bootstrap` for the parameter-built versions, else the training run. */
    labels: z.record(z.string(), z.string()).optional(),
  }),
  /** Scored by the shadow version and never acted on, when a shadow is configured. */
  shadow: z
    .object({
      versions: z.record(z.string(), z.number().int()),
      targets: z.array(
        z.object({ symbol: z.string(), proposedWeight: z.number(), blendedSignal: z.number() }),
      ),
    })
    .nullable(),
  timings: z.object({
    featuresMs: z.number(),
    regimeMs: z.number(),
    modelsMs: z.number(),
    riskMs: z.number(),
    totalMs: z.number(),
  }),
});
export type DecisionEvent = z.infer<typeof decisionEvent>;

/**
 * Parses a `decisions` message value: the event, or the first problem as `path: message`
 * (the reason a consumer logs or dead-letters).
 */
export function parseDecisionEvent(
  value: string | null,
): { ok: true; event: DecisionEvent } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(value ?? '');
  } catch {
    return { ok: false, reason: value ? 'not JSON' : 'empty message' };
  }
  const result = decisionEvent.safeParse(json);
  if (result.success) return { ok: true, event: result.data };
  const first = result.error.issues[0];
  return { ok: false, reason: first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid' };
}

/** The trading halt as every process sees it. */
export const tradingState = z.object({
  halted: z.boolean(),
  /** Why: `leakage: …` for an automatic halt, the person's reason otherwise. */
  cause: z.string().nullable(),
  /** `user:<id>`, `engine:leakage-monitor`, … */
  actor: z.string().nullable(),
  since: z.string().nullable(),
});
export type TradingState = z.infer<typeof tradingState>;
