/**
 * Starting a rollout and acting on one, as the gateway (a person) and the workers' controller
 * (the test and the guards) both do: validate, store the transition with its registry moves in
 * one transaction, then announce it so the engines load the new split at once. The engines also
 * poll the registry, so an announcement lost with Redis only delays the change.
 */
import {
  channels,
  modelLabel,
  parseRolloutPlan,
  stepStage,
  type ModelStageChange,
  type RolloutAction,
  type RolloutChanged,
  type RolloutEvidence,
} from '@tradeplane/contracts';
import type {
  MoveStageResult,
  Repositories,
  RolloutActor,
  RolloutRecord,
  RolloutStageMove,
} from '@tradeplane/db';
import { DECISION_MODEL_NAMES } from '../registry/model-arms';
import { planTransition } from './rollout-transitions';

export class RolloutInputError extends Error {
  readonly code = 'ROLLOUT_INPUT_INVALID' as const;
  constructor(
    /** The input field at fault, e.g. `candidate.1.version`, `plan.steps.2.percent`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Where committed changes are announced (Redis pub/sub); must not throw. */
export type RolloutAnnouncer = (channel: string, message: ModelStageChange | RolloutChanged) => void;

export interface RolloutServiceDeps {
  repos: Pick<Repositories, 'registry' | 'rollouts'>;
  announce: RolloutAnnouncer;
}

export interface StartRolloutInput {
  /** Candidate versions by decision model name; a name left out keeps the incumbent's version. */
  candidate: ReadonlyArray<{ name: string; version: number }>;
  /** As contracts' rolloutPlan reads it (kind, steps, analysis, guards); defaults filled in. */
  plan: unknown;
  reason: string;
  timeframe?: string;
}

/** Validates the candidate against the production set and starts the rollout at its first step. */
export async function startRollout(
  deps: RolloutServiceDeps,
  input: StartRolloutInput,
  actor: RolloutActor,
): Promise<RolloutRecord> {
  const parsed = parseRolloutPlan(input.plan);
  if (!parsed.ok)
    throw new RolloutInputError(
      parsed.path ? `plan.${parsed.path}` : 'plan',
      parsed.error.replace(/^[^:]*: /, ''),
    );
  const plan = parsed.plan;
  const reason = input.reason.trim();
  if (reason.length === 0) throw new RolloutInputError('reason', 'say why the rollout starts');

  const models = await Promise.all(DECISION_MODEL_NAMES.map((n) => deps.repos.registry.getModel(n)));
  const incumbentVersions: Record<string, number> = {};
  const stages = new Map<string, string>();
  DECISION_MODEL_NAMES.forEach((name, i) => {
    const production = models[i]?.versions.find((v) => v.stage === 'production');
    if (!production)
      throw new RolloutInputError('candidate', `${name} has no production version to compare against`);
    incumbentVersions[name] = production.version;
    for (const v of models[i]!.versions) stages.set(`${name}@${v.version}`, v.stage);
  });

  const candidateVersions = { ...incumbentVersions };
  const seen = new Set<string>();
  input.candidate.forEach((c, i) => {
    if (!DECISION_MODEL_NAMES.includes(c.name))
      throw new RolloutInputError(
        `candidate.${i}.name`,
        `'${c.name}' is not a decision model (${DECISION_MODEL_NAMES.join(', ')})`,
      );
    if (seen.has(c.name)) throw new RolloutInputError(`candidate.${i}.name`, `${c.name} is listed twice`);
    seen.add(c.name);
    const stage = stages.get(`${c.name}@${c.version}`);
    if (!stage)
      throw new RolloutInputError(`candidate.${i}.version`, `${c.name} has no version ${c.version}`);
    candidateVersions[c.name] = c.version;
  });
  const candidateLabel = modelLabel(candidateVersions);
  const incumbentLabel = modelLabel(incumbentVersions);
  if (candidateLabel === incumbentLabel)
    throw new RolloutInputError(
      'candidate',
      `is the production set (${incumbentLabel}); name a version to test`,
    );

  const first = plan.steps[0]!;
  const to = stepStage(first);
  const moves: RolloutStageMove[] = Object.entries(candidateVersions)
    .filter(
      ([name, version]) => incumbentVersions[name] !== version && stages.get(`${name}@${version}`) !== to,
    )
    .map(([modelName, version]) => ({ modelName, version, to }));
  const { rollout, stageMoves } = await deps.repos.rollouts.create(
    {
      kind: plan.kind,
      candidateVersions,
      candidateLabel,
      incumbentVersions,
      incumbentLabel,
      plan,
      timeframe: input.timeframe ?? '1d',
      canaryPercent: first.percent,
      reason,
    },
    moves,
    actor,
  );
  announceChange(deps.announce, rollout, 'start', stageMoves);
  return rollout;
}

/**
 * Applies `action` to the rollout as read at `expectedRevision` (the latest when omitted):
 * RolloutActionError when it does not apply, RolloutError ROLLOUT_STALE when someone acted
 * first.
 */
export async function actOnRollout(
  deps: RolloutServiceDeps,
  rolloutId: string,
  action: Exclude<RolloutAction, 'start'>,
  actor: RolloutActor,
  options: {
    reason: string;
    evidence?: RolloutEvidence | null;
    winner?: 'candidate' | 'incumbent' | null;
    /** The rollout as the decision was made on it; read now when absent. */
    rollout?: RolloutRecord;
  },
): Promise<RolloutRecord> {
  const reason = options.reason.trim();
  if (reason.length === 0) throw new RolloutInputError('reason', `say why (${action})`);
  const current = options.rollout ?? (await deps.repos.rollouts.get(rolloutId));
  if (!current) throw new RolloutInputError('id', `no rollout ${rolloutId}`);
  const transition = planTransition(current, action, {
    reason,
    evidence: options.evidence ?? null,
    winner: options.winner ?? null,
  });
  const { rollout, stageMoves } = await deps.repos.rollouts.transition(
    rolloutId,
    current.revision,
    transition,
    actor,
  );
  announceChange(deps.announce, rollout, action, stageMoves);
  return rollout;
}

/** The stage changes for the engines, then the rollout's change for the console. */
export function announceChange(
  announce: RolloutAnnouncer,
  rollout: RolloutRecord,
  action: RolloutChanged['action'],
  stageMoves: readonly MoveStageResult[],
): void {
  for (const m of stageMoves)
    announce(channels.modelStageChanged, {
      modelName: m.version.modelName,
      version: m.version.version,
      from: m.from,
      to: m.version.stage,
      archived: m.archived?.version ?? null,
    });
  announce(channels.rolloutChanged, {
    rolloutId: rollout.id,
    status: rollout.status,
    stepIndex: rollout.stepIndex,
    canaryPercent: rollout.canaryPercent,
    action,
    at: rollout.updatedAt.toISOString(),
  });
}
