import { z } from 'zod';

/**
 * Rollouts: a candidate model set against the incumbent production set, moved through a plan of
 * steps (shadow, then canary shares) by the workers' rollout controller, judged on the paired
 * outcomes the ledger records for both sets on every decision. An A/B test is the same with one
 * fixed split, ended by a person or by the test. The gateway validates plans with these schemas,
 * the controller reads them, the console shows them.
 */

export const rolloutKinds = ['rollout', 'ab'] as const;
export type RolloutKind = (typeof rolloutKinds)[number];

/**
 * running: the controller judges it at every tick; paused: it waits for a person (inconclusive
 * at a step's maximum duration, or paused by hand) and the engine keeps the step's split;
 * the rest are final: promoted (the candidate serves 100 % as production), rolled_back (by the
 * test or a guard: the incumbent serves 100 %, the candidate is back in staging), aborted (by a
 * person, same effect), concluded (an A/B test the test or a person ended, candidate in staging).
 */
export const rolloutStatuses = [
  'running',
  'paused',
  'promoted',
  'rolled_back',
  'aborted',
  'concluded',
] as const;
export type RolloutStatus = (typeof rolloutStatuses)[number];
export const activeRolloutStatuses: readonly RolloutStatus[] = ['running', 'paused'];
export const isActiveRollout = (status: RolloutStatus) => activeRolloutStatuses.includes(status);

/** One step: the canary share (0 = shadow: the candidate scores every request and never acts). */
export const rolloutStep = z.object({
  percent: z.number().min(0).max(100),
  /** Paired decisions this step must see before the controller may advance. */
  minDecisions: z.number().int().min(1).max(10_000_000),
  /** Longest the step may run; inconclusive by then: the rollout pauses for a person. */
  maxDurationMinutes: z.number().positive().max(525_600),
});
export type RolloutStep = z.infer<typeof rolloutStep>;

export const DEFAULT_ROLLOUT_STEPS: readonly RolloutStep[] = [
  { percent: 0, minDecisions: 500, maxDurationMinutes: 7 * 24 * 60 },
  { percent: 5, minDecisions: 200, maxDurationMinutes: 3 * 24 * 60 },
  { percent: 25, minDecisions: 200, maxDurationMinutes: 3 * 24 * 60 },
  { percent: 75, minDecisions: 200, maxDurationMinutes: 3 * 24 * 60 },
  { percent: 100, minDecisions: 200, maxDurationMinutes: 3 * 24 * 60 },
];

/**
 * The sequential test's parameters (quant `rollouts/sequential-test.ts` documents the test):
 * - alpha: error rate of each one-sided decision; a verdict needs evidence ≥ 1/alpha;
 * - mixtureSd: spread of the effect sizes the test is tuned for, in units of the per-decision
 *   standard deviation of the paired difference;
 * - marginBps: non-inferiority margin, per decision: "not worse" means the candidate's mean
 *   paired net return is above −margin;
 * - minSamples: paired decisions before any verdict (the variance estimate needs them).
 */
export const rolloutAnalysis = z.object({
  alpha: z.number().gt(0).lt(0.5).default(0.05),
  mixtureSd: z.number().gt(0).max(10).default(0.1),
  marginBps: z.number().min(0).max(1000).default(2),
  minSamples: z.number().int().min(10).max(1_000_000).default(30),
});
export type RolloutAnalysis = z.infer<typeof rolloutAnalysis>;

/**
 * Guards: each acts at once, whatever the test says, and rolls the candidate back.
 * - sharpeDrop: the candidate's Sharpe below the incumbent's by more than maxDropPct % of the
 *   incumbent's (absolute value) over the decisions whose asOf is in the last windowDays days;
 *   judged only from minDecisions decisions in the window (a 5-day Sharpe is mostly noise);
 * - latency: P95 of the candidate's served decisions' engine time above p95Ms over the last
 *   windowMinutes (from minDecisions decisions in the window);
 * - crashes: more than maxCrashes engine processes that died without stopping in windowHours;
 * - riskViolations: more than maxViolations candidate proposals over the pre-trade limits (the
 *   check cut them to the limit or refused them: verdict resize or reject) where the incumbent's
 *   proposal on the same decision passed unchanged, in one session (the UTC day of the bars
 *   decided on, asOf: the trading day live, the bar's day in a replay). On daily bars a session
 *   holds one decision, so only maxViolations 0 acts there; the seed's 2 is for intraday bars.
 */
export const rolloutGuards = z.object({
  sharpeDrop: z
    .object({
      windowDays: z.number().positive().max(3650).default(5),
      maxDropPct: z.number().positive().max(1000).default(30),
      minDecisions: z.number().int().min(2).max(1_000_000).default(20),
    })
    .prefault({}),
  latency: z
    .object({
      p95Ms: z.number().positive().max(600_000).default(200),
      windowMinutes: z.number().positive().max(10_080).default(15),
      minDecisions: z.number().int().min(1).max(1_000_000).default(20),
    })
    .prefault({}),
  crashes: z
    .object({
      maxCrashes: z.number().int().min(0).max(1000).default(3),
      windowHours: z.number().positive().max(8760).default(24),
    })
    .prefault({}),
  riskViolations: z
    .object({
      maxViolations: z.number().int().min(0).max(1_000_000).default(2),
    })
    .prefault({}),
});
export type RolloutGuards = z.infer<typeof rolloutGuards>;
export const rolloutGuardNames = ['sharpeDrop', 'latency', 'crashes', 'riskViolations'] as const;
export type RolloutGuardName = (typeof rolloutGuardNames)[number];

/**
 * A plan as a client sends it. Steps' shares strictly increase, the last at most 100; an A/B
 * test has one step with a share strictly between 0 and 100. Each problem names its field.
 */
export const rolloutPlan = z
  .object({
    kind: z.enum(rolloutKinds).default('rollout'),
    steps: z
      .array(rolloutStep)
      .min(1)
      .max(20)
      .default([...DEFAULT_ROLLOUT_STEPS]),
    analysis: rolloutAnalysis.prefault({}),
    guards: rolloutGuards.prefault({}),
  })
  .superRefine((plan, ctx) => {
    plan.steps.forEach((step, i) => {
      const previous = plan.steps[i - 1];
      if (previous && step.percent <= previous.percent)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['steps', i, 'percent'],
          message: `must be greater than step ${i - 1}'s ${previous.percent}`,
        });
    });
    if (plan.kind === 'ab') {
      const only = plan.steps[0]!;
      if (plan.steps.length !== 1)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['steps'],
          message: 'an A/B test has exactly one step',
        });
      else if (only.percent <= 0 || only.percent >= 100)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['steps', 0, 'percent'],
          message: 'an A/B split must be strictly between 0 and 100',
        });
    }
  });
export type RolloutPlanInput = z.input<typeof rolloutPlan>;
export type RolloutPlan = z.infer<typeof rolloutPlan>;

/** A plan's first problem as `path: message` (the field a client must fix), or the plan. */
export function parseRolloutPlan(
  input: unknown,
): { ok: true; plan: RolloutPlan } | { ok: false; error: string; path: string } {
  const parsed = rolloutPlan.safeParse(input ?? {});
  if (parsed.success) return { ok: true, plan: parsed.data };
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.');
  return { ok: false, path, error: `${path || 'plan'}: ${issue.message}` };
}

/** The share step `index` asks of the engine, and the registry stage the candidate holds in it. */
export const stepStage = (step: Pick<RolloutStep, 'percent'>): 'shadow' | 'canary' =>
  step.percent === 0 ? 'shadow' : 'canary';

/**
 * What happened to a rollout: started, advanced a step, promoted, rolled back, paused (by a
 * person or at a step's maximum duration), resumed, aborted, concluded (an A/B test).
 */
export const rolloutActions = [
  'start',
  'advance',
  'promote',
  'rollback',
  'pause',
  'resume',
  'abort',
  'conclude',
] as const;
export type RolloutAction = (typeof rolloutActions)[number];

/** The actions a person may take; the controller takes the others (and advance, promote, pause). */
export const manualRolloutActions = ['pause', 'resume', 'promote', 'abort'] as const;
export type ManualRolloutAction = (typeof manualRolloutActions)[number];

/** Who may start a rollout or act on one: as the registry's canary and production moves. */
export const ROLLOUT_ROLES = ['pm', 'admin'] as const;

/** The actor the controller's own actions are recorded under. */
export const ROLLOUT_CONTROLLER_ACTOR = 'rollout-controller';

/**
 * Published on `channels.rolloutChanged` after every committed change of a rollout (and after
 * each analysis snapshot): the gateway's `rolloutChanged` subscription relays it.
 */
export const rolloutChanged = z.object({
  rolloutId: z.string(),
  status: z.enum(rolloutStatuses),
  stepIndex: z.number().int(),
  canaryPercent: z.number(),
  /** The action that changed it; `analysis` for a new snapshot alone. */
  action: z.union([z.enum(rolloutActions), z.literal('analysis')]),
  at: z.string(),
});
export type RolloutChanged = z.infer<typeof rolloutChanged>;

export const rolloutVerdicts = ['insufficient', 'inconclusive', 'not_worse', 'worse'] as const;
export type RolloutVerdict = (typeof rolloutVerdicts)[number];

/** A guard as the controller last judged it; `value` null while it has too few samples. */
export const rolloutGuardState = z.object({
  guard: z.enum(rolloutGuardNames),
  value: z.number().nullable(),
  threshold: z.number(),
  samples: z.number().int(),
  tripped: z.boolean(),
  detail: z.string(),
});
export type RolloutGuardState = z.infer<typeof rolloutGuardState>;

/** One set's realized results over the rollout's paired decisions. */
export const rolloutArmStats = z.object({
  label: z.string(),
  decisions: z.number().int(),
  /** Decisions this set's weights were traded on (the acting arm). */
  acted: z.number().int(),
  meanNet: z.number().nullable(),
  /** Annualised by the timeframe's periods per year; null under 2 decisions or zero spread. */
  sharpe: z.number().nullable(),
});
export type RolloutArmStats = z.infer<typeof rolloutArmStats>;

/** A point of the cumulative paired difference with its anytime-valid band, at n decisions. */
export const rolloutCurvePoint = z.object({
  n: z.number().int(),
  asOf: z.string(),
  cumulative: z.number(),
  lower: z.number(),
  upper: z.number(),
});

/**
 * What the controller saw at a tick, stored when it changed (new paired decisions, a guard, a
 * move): the sequential test on the paired differences d = net(candidate) − net(incumbent)
 * over every paired decision since the start, the guards, and what the controller did.
 */
export const rolloutEvidence = z.object({
  at: z.string(),
  stepIndex: z.number().int(),
  /** Paired decisions in the current step. */
  stepDecisions: z.number().int(),
  n: z.number().int(),
  meanDiff: z.number().nullable(),
  /** √ of the long-run (Newey–West) variance of d. */
  sdDiff: z.number().nullable(),
  hacLag: z.number().int(),
  cumulativeDiff: z.number(),
  /** Evidence that the candidate is worse (mean d < 0) and that it is not worse (mean d > −margin). */
  evidenceWorse: z.number(),
  evidenceNotWorse: z.number(),
  /** Evidence that the candidate is better (mean d > 0): what ends an A/B test for it. */
  evidenceBetter: z.number().optional(),
  /** Both verdicts need evidence ≥ this (1/alpha). */
  threshold: z.number(),
  /** Anytime-valid (1 − alpha) band on mean d: mean ± halfWidth; null before minSamples. */
  halfWidth: z.number().nullable(),
  /** The smallest mean difference the test would call at the current n. */
  mde: z.number().nullable(),
  verdict: z.enum(rolloutVerdicts),
  candidate: rolloutArmStats,
  incumbent: rolloutArmStats,
  guards: z.array(rolloutGuardState),
  curve: z.array(rolloutCurvePoint),
  /** What the controller did on this evidence. */
  decision: z.enum(['continue', 'advance', 'promote', 'rollback', 'pause', 'conclude']),
  reason: z.string(),
});
export type RolloutEvidence = z.infer<typeof rolloutEvidence>;
