/**
 * Rollouts as the schema shows them: the plan's steps with their state and times from the audit
 * trail, the analysis parameters with their threshold, a stored evidence snapshot, the ledger's
 * decisions per arm, and the actions a user may take. Pure: records in, shapes out.
 */
import {
  assertNever,
  isActiveRollout,
  ROLLOUT_ROLES,
  stepStage,
  type ManualRolloutAction,
  type RolloutAnalysis,
  type RolloutChanged,
  type RolloutEvidence,
  type RolloutStatus,
  type RolloutStep,
} from '@tradeplane/contracts';
import type {
  RolloutArmCount,
  RolloutEventRecord,
  RolloutRecord,
  RolloutSnapshotRecord,
  Role,
} from '@tradeplane/db';
import { versionList } from '../decisions/present-decision';

/**
 * A GraphQL enum's values for the contracts' own: `not_worse` is NOT_WORSE, `sharpeDrop`
 * SHARPE_DROP. Resolvers return and receive the contracts' values; the schema shows these.
 */
export function enumValues<V extends string>(values: readonly V[]): Record<string, V> {
  return Object.fromEntries(values.map((v) => [v.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase(), v]));
}

/** A model set's versions as `[{name, version}]`, by name. */
export const modelSet = (versions: Record<string, number>) =>
  versionList(versions).sort((a, b) => a.name.localeCompare(b.name));

export type RolloutStepState = 'done' | 'current' | 'pending' | 'skipped';
export const rolloutStepStates = ['done', 'current', 'pending', 'skipped'] as const;

export interface PresentedStep extends RolloutStep {
  index: number;
  /** The schema's String: SHADOW or CANARY. */
  stage: 'SHADOW' | 'CANARY';
  state: RolloutStepState;
  startedAt: Date | null;
  endedAt: Date | null;
}

const stageName = (step: RolloutStep) => (stepStage(step) === 'shadow' ? 'SHADOW' : 'CANARY');

const isFinal = (status: RolloutStatus) => !isActiveRollout(status);

/**
 * The plan's steps: before the current one done, the current one current while the rollout is
 * active (done once it ended there), the later ones pending, or skipped once it ended. A step
 * starts at the event that moved the rollout into it and ends at the one that moved it out
 * (an advance, or the event that ended the rollout while it was there).
 */
export function presentSteps(
  rollout: Pick<RolloutRecord, 'plan' | 'stepIndex' | 'status'>,
  events: readonly RolloutEventRecord[],
): PresentedStep[] {
  const active = isActiveRollout(rollout.status);
  return rollout.plan.steps.map((step, index) => {
    const state: RolloutStepState =
      index < rollout.stepIndex
        ? 'done'
        : index === rollout.stepIndex
          ? active
            ? 'current'
            : 'done'
          : active
            ? 'pending'
            : 'skipped';
    const entered = events.findIndex((e) => e.toStep === index && e.fromStep !== index);
    const left =
      entered < 0
        ? undefined
        : events
            .slice(entered + 1)
            .find((e) => e.fromStep === index && (e.toStep !== index || isFinal(e.toStatus)));
    return {
      ...step,
      index,
      stage: stageName(step),
      state,
      startedAt: entered < 0 ? null : events[entered]!.at,
      endedAt: left?.at ?? null,
    };
  });
}

/** The plan's steps before a rollout has them: all pending, no times (the start form). */
export const plannedSteps = (steps: readonly RolloutStep[]): PresentedStep[] =>
  steps.map((step, index) => ({
    ...step,
    index,
    stage: stageName(step),
    state: 'pending',
    startedAt: null,
    endedAt: null,
  }));

/** The analysis parameters with the evidence both verdicts need. */
export const presentAnalysis = (analysis: RolloutAnalysis) => ({
  ...analysis,
  threshold: 1 / analysis.alpha,
});

/** A stored snapshot: times as Dates, `mde` under the schema's name. */
export function presentEvidence(e: RolloutEvidence) {
  const { mde, evidenceBetter, ...rest } = e;
  return {
    ...rest,
    at: new Date(e.at),
    evidenceBetter: evidenceBetter ?? null,
    minimumDetectableEffect: mde,
    curve: e.curve.map((p) => ({ ...p, asOf: new Date(p.asOf) })),
  };
}

/** Snapshots (the repository's newest first) as the history chart's points, oldest first, without curves. */
export const evidenceHistory = (snapshots: readonly RolloutSnapshotRecord[]) =>
  [...snapshots].reverse().map((s) => ({
    at: s.at,
    stepIndex: s.stepIndex,
    n: s.n,
    evidenceWorse: s.evidence.evidenceWorse,
    evidenceNotWorse: s.evidence.evidenceNotWorse,
    meanDiff: s.evidence.meanDiff,
    halfWidth: s.evidence.halfWidth,
  }));

/** The ledger's counts per set, each named as the rollout's candidate or incumbent. */
export const decisionsPerArm = (
  rollout: Pick<RolloutRecord, 'candidateLabel'>,
  counts: readonly RolloutArmCount[],
) =>
  counts.map((c) => ({
    ...c,
    set: c.label === rollout.candidateLabel ? ('candidate' as const) : ('incumbent' as const),
  }));

/** What a user of `role` may do to the rollout now: pm and admin act on an active one. */
export function availableActions(status: RolloutStatus, role: Role | null): ManualRolloutAction[] {
  if (!role || !(ROLLOUT_ROLES as readonly Role[]).includes(role)) return [];
  switch (status) {
    case 'running':
      return ['pause', 'promote', 'abort'];
    case 'paused':
      return ['resume', 'promote', 'abort'];
    case 'promoted':
    case 'rolled_back':
    case 'aborted':
    case 'concluded':
      return [];
    default:
      return assertNever(status);
  }
}

/**
 * The startRollout argument path of a service input field: the plan's fields are the input's
 * own (`plan.steps.2.percent` is `input.steps.2.percent`), the rest are under `input`.
 */
export function startInputField(field: string): string {
  const relative = field === 'plan' ? '' : field.replace(/^plan\./, '');
  return relative ? `input.${relative}` : 'input';
}

/** A change as the subscription shows it: `analysis` (a new snapshot alone) has no action. */
export function presentChange(m: RolloutChanged) {
  return { ...m, action: m.action === 'analysis' ? null : m.action, at: new Date(m.at) };
}
