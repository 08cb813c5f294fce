import { z } from 'zod';
import { assertNever } from './assert-never';
import { parseVersionedEvent } from './versioned-event';

/**
 * The decision engine's output (the predict response and the Kafka decision event) and the
 * trading state, shared by the engine (producer), the gateway and workers (consumers of the
 * `decisions` topic) and the console.
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

/**
 * The decision itself, as the engine builds it: what the predict response and the decision
 * event share.
 */
export const decisionBody = z.object({
  /** Sortable and unique: 48-bit ms timestamp + randomness, Crockford base32 (ULID). */
  id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/),
  /** The routing key (the client's, or derived from the request); replaying it routes the same way. */
  requestKey: z.string(),
  /**
   * The book the decision is for, as the client named it (a paper-trading run's
   * `paper-<run>`, a trading program's account): the outcome ledger groups realized results
   * and equity curves by it. Absent or null when the client did not say.
   */
  portfolioId: z.string().nullable().optional(),
  at: z.number(),
  timeframe: z.string(),
  asOf: z.string(),
  regime: regimeProbabilities,
  /**
   * Where `regime` came from: the stored regime model's version and the benchmark bar the
   * (smoothed) forward filter reached at asOf; `model: null` and a `note` when the uniform 1/3
   * was used.
   */
  regimeSource: z
    .object({
      model: z.string().nullable(),
      symbol: z.string(),
      barTime: z.string().nullable(),
      note: z.string().nullable(),
      /**
       * `regime` is the forward filter smoothed by a causal EMA of this half-life (bars, stored
       * with the model); absent with the uniform fallback and on decisions made before smoothing.
       */
      halfLife: z.number().positive().optional(),
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
  timings: z.object({
    featuresMs: z.number(),
    regimeMs: z.number(),
    modelsMs: z.number(),
    riskMs: z.number(),
    totalMs: z.number(),
  }),
});
export type DecisionBody = z.infer<typeof decisionBody>;

/**
 * What a set scored beside the acting one would have proposed (after the response; never acted
 * on): the shadow, or while a canary runs the other acting set (the production set on a request
 * the canary served, the canary on one production served), so every decision of a rollout holds
 * both sets' proposals on the same opportunity.
 */
export const shadowOutcome = z.object({
  /** The arm whose set this is; absent on events written before canaries were scored beside. */
  arm: z.enum(['shadow', 'canary', 'production']).optional(),
  versions: z.record(z.string(), z.number().int()),
  targets: z.array(
    z.object({
      symbol: z.string(),
      proposedWeight: z.number(),
      blendedSignal: z.number(),
      /**
       * The weight this set would have traded to: its proposal after its own pre-trade check (the
       * current weight where the check refused it), as the acting set's targetWeight. Absent on
       * events written before it was recorded, where the proposal stands in.
       */
      targetWeight: z.number().optional(),
    }),
  ),
  /** The pre-trade check of this set's proposal, as the acting set's is checked. */
  risk: z
    .object({ verdict: z.enum(['approve', 'resize', 'reject']), bindingRule: z.string().nullable() })
    .optional(),
});
export type ShadowOutcome = z.infer<typeof shadowOutcome>;

/**
 * The version of the decision event this code writes and reads. A change a reader of the
 * previous version would misread (a field renamed, removed or reinterpreted) takes the next
 * number; consumers dead-letter versions they do not know instead of guessing.
 */
export const DECISION_EVENT_SCHEMA_VERSION = 1;

/**
 * The Kafka `decisions` event (key = decision id): the decision plus what the consumers need
 * of it after the response (forensics reruns the models on `targets[].features`), with the
 * shadow outputs filled in.
 */
export const decisionEvent = z.object({
  schemaVersion: z.literal(DECISION_EVENT_SCHEMA_VERSION),
  ...decisionBody.shape,
  /** Scored by the shadow version and never acted on, when a shadow is configured. */
  shadow: shadowOutcome.nullable(),
});
export type DecisionEvent = z.infer<typeof decisionEvent>;

/**
 * Parses a `decisions` message value: the event, or the first problem as `path: message`
 * (the reason a consumer logs or dead-letters). An event of another schema version is
 * refused before its fields are read.
 */
export function parseDecisionEvent(
  value: string | null,
): { ok: true; event: DecisionEvent } | { ok: false; reason: string } {
  return parseVersionedEvent(decisionEvent, DECISION_EVENT_SCHEMA_VERSION, value);
}

/**
 * Trading as every process sees it.
 *   ACTIVE:   predict decides as usual.
 *   HALTED:   predict answers 503 `HALTED` with the cause (a leakage alarm, or a pm/admin).
 *   REDUCING: only risk-reducing orders (a position may shrink toward zero, never grow or
 *             change side). Today it is carried and shown, and predict still decides as
 *             under ACTIVE, saying `tradingState: 'REDUCING'`; nothing stores or sets it yet.
 */
export const tradingStates = ['ACTIVE', 'HALTED', 'REDUCING'] as const;
export const tradingStateSchema = z.enum(tradingStates);
export type TradingState = z.infer<typeof tradingStateSchema>;

/** The states in which predict answers with a decision. */
export type DecidingState = Exclude<TradingState, 'HALTED'>;

/** Whether predict answers with a decision in this state (HALTED answers 503). */
export function decidesIn(state: TradingState): state is DecidingState {
  switch (state) {
    case 'ACTIVE':
    case 'REDUCING':
      return true;
    case 'HALTED':
      return false;
    default:
      return assertNever(state);
  }
}

/**
 * The body of a 200 from `POST /api/v1/predict`: what the trading client acts on. It has no
 * schema version (the HTTP API is versioned by its path) and says in which trading state the
 * decision was made. `shadow` is always null here (shadow outputs are scored after the
 * response and travel only in the event); it stays so that clients of the earlier body parse.
 */
export const predictResponse = z.object({
  ...decisionBody.shape,
  shadow: z.null(),
  tradingState: z.enum(['ACTIVE', 'REDUCING'] satisfies DecidingState[]),
});
export type PredictResponse = z.infer<typeof predictResponse>;

/** The trading state with its cause, as stored, published on Redis and shown. */
export const tradingStatus = z.object({
  state: tradingStateSchema,
  /** Why: `leakage: …` for an automatic halt, the person's reason otherwise; null while ACTIVE. */
  cause: z.string().nullable(),
  /** `user:<id>`, `engine:leakage-monitor`, …; while ACTIVE, who resumed trading last. */
  actor: z.string().nullable(),
  since: z.string().nullable(),
});
export type TradingStatus = z.infer<typeof tradingStatus>;
