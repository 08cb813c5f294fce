import { z } from 'zod';
import { featureNames } from './features';
import { decisionEvent, regimeProbabilities, riskRuleVerdict } from './decisions';

/**
 * Forensics: each decision explained after the fact by the workers' consumer of the Kafka
 * `decisions` topic, stored by decision id, looked up by the gateway (REST and GraphQL).
 *
 * Attribution method: occlusion against a documented baseline vector (FORENSICS_BASELINE in
 * the engine). For specialist i with signal s_i(x):
 *   attributions_i[f] = s_i(x) − s_i(x with feature f set to its baseline value)
 *   interaction_i     = s_i(x) − s_i(baseline) − Σ_f attributions_i[f]
 * so baselineSignal_i + Σ_f attributions_i[f] + interaction_i = s_i(x) exactly, and with the
 * meta-controller's weights w held at their actual values,
 *   blendedSignal = Σ_i w_i · s_i = Σ_f featureContribution[f] + baselineContribution + interaction
 * with featureContribution[f] = Σ_i w_i · attributions_i[f]. That is the waterfall.
 */

/** A decision id: a ULID (48-bit ms time + randomness, Crockford base32). */
export const DECISION_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const featureMap = z.record(z.enum(featureNames), z.number());

export const specialistExplanation = z.object({
  name: z.string(),
  version: z.number().int(),
  signal: z.number(),
  /** The specialist's signal on the baseline vector. */
  baselineSignal: z.number(),
  /** The meta-controller's weight on it, as decided. */
  weight: z.number(),
  /** weight × signal: this specialist's share of the blended signal. */
  contribution: z.number(),
  /** Per feature: signal minus the signal with that feature at its baseline value. */
  attributions: featureMap,
  /** What single-feature occlusion leaves unexplained (interactions of the nonlinearity). */
  interaction: z.number(),
  /** The weight the meta-controller gives it at the uniform regime (1/3 each), same features. */
  weightAtUniformRegime: z.number(),
  /** Its weight if the regime were certain: bull, bear, sideways. */
  weightByRegime: regimeProbabilities,
});
export type SpecialistExplanation = z.infer<typeof specialistExplanation>;

export const targetExplanation = z.object({
  symbol: z.string(),
  /** False while a lookback window was filling: the models were not traded on. */
  featuresComplete: z.boolean(),
  specialists: z.array(specialistExplanation),
  /** Σ_i weight_i · attributions_i[f]: each feature's share of the blended signal. */
  featureContributions: featureMap,
  /** Σ_i weight_i · baselineSignal_i. */
  baselineContribution: z.number(),
  /** Σ_i weight_i · interaction_i. */
  interactionContribution: z.number(),
  blendedSignal: z.number(),
  /**
   * The regime's influence: the blend minus the blend with the weights the meta-controller
   * gives at the uniform regime (signals unchanged).
   */
  regimeInfluence: z.number(),
  /**
   * Per feature, the full occlusion effect on the blend (signals and weights both rerun):
   * includes what the feature does through the meta-controller.
   */
  blendOcclusion: featureMap,
  currentWeight: z.number(),
  proposedWeight: z.number(),
  targetWeight: z.number(),
  /** targetWeight − proposedWeight: what the risk check took off (0 when approved in full). */
  riskAdjustment: z.number(),
});
export type TargetExplanation = z.infer<typeof targetExplanation>;

export const forensicsExplanation = z.object({
  method: z.literal('occlusion'),
  /** The baseline each feature is occluded to (documented in the engine's forensics code). */
  baseline: featureMap,
  regimeBaseline: regimeProbabilities,
  regime: regimeProbabilities,
  targets: z.array(targetExplanation),
  risk: z.object({
    verdict: z.enum(['approve', 'resize', 'reject']),
    scale: z.number(),
    bindingRule: z.string().nullable(),
    /** The rules that changed the order (binding, or failed), with their numbers. */
    adjustments: z.array(riskRuleVerdict),
  }),
  /** Model name → version the explanation reran (the decision's own). */
  models: z.record(z.string(), z.number().int()),
  /** ONNX Runtime rows run to explain this decision. */
  rowsEvaluated: z.number().int(),
  /**
   * Largest |rerun blend − decided blend| over the targets: the models were reloaded by
   * version and rerun on the decision's own inputs; float32 noise is ~1e-7, more means the
   * explanation's models are not the decision's.
   */
  reproductionError: z.number(),
});
export type ForensicsExplanation = z.infer<typeof forensicsExplanation>;

/** A stored forensics record: the decision, and its explanation or why it has none. */
export const decisionForensics = z.object({
  decisionId: z.string().regex(DECISION_ID_PATTERN),
  status: z.enum(['explained', 'failed']),
  decidedAt: z.string(),
  explainedAt: z.string(),
  /** Decision made → explanation stored, ms (from the id's timestamp to the insert). */
  delayMs: z.number(),
  decision: decisionEvent,
  explanation: forensicsExplanation.nullable(),
  failureReason: z.string().nullable(),
});
export type DecisionForensics = z.infer<typeof decisionForensics>;

/** What the dead-letter topic carries for an event that could not be processed. */
export const deadLetter = z.object({
  reason: z.string(),
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  key: z.string().nullable(),
  /** The original value, as received (may be cut to the first 100,000 characters). */
  value: z.string().nullable(),
  at: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetter>;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The millisecond timestamp a decision id (ULID) carries in its first 10 characters. */
export function decisionIdTime(id: string): number {
  if (!DECISION_ID_PATTERN.test(id)) throw new Error(`not a decision id: '${id}'`);
  let ms = 0;
  for (let i = 0; i < 10; i++) ms = ms * 32 + CROCKFORD.indexOf(id[i]!);
  return ms;
}
