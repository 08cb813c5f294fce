/**
 * What each rollout action changes: the rollout row and the registry moves of the candidate's
 * versions, as one transition the repository applies atomically. Pure: the controller and the
 * gateway decide with these and store with `RolloutsRepository.transition`.
 *
 * The candidate's versions (the names where it differs from the incumbent) hold `shadow` during
 * a shadow step and `canary` during a canary step; promotion moves them to `production` (the
 * registry archives the incumbent's), every other end moves them back to `staging`.
 */
import {
  assertNever,
  stepStage,
  type ModelStage,
  type RolloutAction,
  type RolloutEvidence,
} from '@tradeplane/contracts';
import type { RolloutRecord, RolloutStageMove, RolloutTransition } from '@tradeplane/db';

type RolloutState = Pick<
  RolloutRecord,
  'kind' | 'status' | 'stepIndex' | 'plan' | 'candidateVersions' | 'incumbentVersions'
>;

/** The candidate's versions that differ from the incumbent's, moved to `to`. */
export function candidateMoves(
  rollout: Pick<RolloutRecord, 'candidateVersions' | 'incumbentVersions'>,
  to: ModelStage,
): RolloutStageMove[] {
  return Object.entries(rollout.candidateVersions)
    .filter(([name, version]) => rollout.incumbentVersions[name] !== version)
    .map(([modelName, version]) => ({ modelName, version, to }));
}

/** The stage the candidate's versions hold at the rollout's current step. */
export function candidateStage(rollout: Pick<RolloutRecord, 'plan' | 'stepIndex'>): 'shadow' | 'canary' {
  return stepStage(rollout.plan.steps[rollout.stepIndex]!);
}

export class RolloutActionError extends Error {
  readonly code = 'ROLLOUT_ACTION_INVALID' as const;
}

/**
 * The transition for `action` from the rollout's state, or a RolloutActionError saying why it
 * does not apply (resume of a running rollout, advance past the last step, …).
 */
export function planTransition(
  rollout: RolloutState,
  action: RolloutAction,
  options: { reason: string; evidence?: RolloutEvidence | null; winner?: 'candidate' | 'incumbent' | null },
): RolloutTransition {
  const { reason } = options;
  const evidence = options.evidence ?? null;
  const ending = (status: 'rolled_back' | 'aborted' | 'concluded'): RolloutTransition => ({
    action,
    reason,
    evidence,
    change: {
      status,
      canaryPercent: 0,
      statusReason: reason,
      ...(status === 'concluded' ? { winner: options.winner ?? null } : {}),
    },
    moves: candidateMoves(rollout, 'staging'),
  });
  switch (action) {
    case 'start':
      throw new RolloutActionError('a rollout is started with startRollout, not a transition');
    case 'advance': {
      const to = rollout.stepIndex + 1;
      const step = rollout.plan.steps[to];
      if (!step)
        throw new RolloutActionError(`step ${rollout.stepIndex} is the plan's last; promote instead`);
      if (rollout.kind === 'ab')
        throw new RolloutActionError('an A/B test has one step; it does not advance');
      const stage = stepStage(step);
      return {
        action,
        reason,
        evidence,
        change: { stepIndex: to, canaryPercent: step.percent, status: 'running', statusReason: null },
        moves: stage === candidateStage(rollout) ? [] : candidateMoves(rollout, stage),
      };
    }
    case 'promote':
      return {
        action,
        reason,
        evidence,
        change: { status: 'promoted', canaryPercent: 0, statusReason: reason },
        moves: candidateMoves(rollout, 'production'),
      };
    case 'rollback':
      return ending('rolled_back');
    case 'abort':
      return ending('aborted');
    case 'conclude':
      if (rollout.kind !== 'ab') throw new RolloutActionError('only an A/B test is concluded');
      return ending('concluded');
    case 'pause':
      if (rollout.status === 'paused') throw new RolloutActionError('the rollout is already paused');
      return { action, reason, evidence, change: { status: 'paused', statusReason: reason }, moves: [] };
    case 'resume':
      if (rollout.status !== 'paused') throw new RolloutActionError('only a paused rollout resumes');
      // The step's clock starts again: resumed at its maximum duration, it would pause at once.
      return {
        action,
        reason,
        evidence,
        change: { status: 'running', statusReason: null, restartStep: true },
        moves: [],
      };
    default:
      return assertNever(action);
  }
}
