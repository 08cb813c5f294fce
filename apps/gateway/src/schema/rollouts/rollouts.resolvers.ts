import {
  channels,
  parseRolloutPlan,
  rolloutActions,
  rolloutChanged,
  rolloutGuardNames,
  rolloutKinds,
  ROLLOUT_ROLES,
  rolloutStatuses,
  rolloutVerdicts,
  type ManualRolloutAction,
  type RolloutKind,
  type RolloutStatus,
} from '@tradeplane/contracts';
import {
  RolloutError,
  type RolloutCursor,
  type RolloutEventRecord,
  type RolloutRecord,
  type RolloutSnapshotRecord,
} from '@tradeplane/db';
import {
  actOnRollout,
  RolloutInputError,
  startRollout,
  type RolloutServiceDeps,
} from '@tradeplane/models/rollouts';
import { connection, cursorCodec, cursorParts } from '@tradeplane/platform';
import { withFilter } from 'graphql-subscriptions';
import { z } from 'zod';
import { requireRole, requireUser, type SessionUser } from '../../auth/roles';
import type { GatewayContext } from '../../context';
import { badInput, GatewayError } from '../../errors/graphql-errors';
import { pageSize, timeframeArg } from '../arguments';
import {
  availableActions,
  decisionsPerArm,
  enumValues,
  evidenceHistory,
  modelSet,
  plannedSteps,
  presentAnalysis,
  presentChange,
  presentEvidence,
  presentSteps,
  rolloutStepStates,
  startInputField,
} from './present-rollout';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Why a person acts or starts: said in the audit trail, so it is required and kept short. */
const MAX_REASON = 500;
const MAX_HISTORY = 2000;

const rolloutCursor = cursorCodec<RolloutCursor>(
  'rollout',
  z.object({ createdAtMs: cursorParts.epochMs, id: z.string().regex(UUID) }),
);

function uuid(field: string, value: string): string {
  if (!UUID.test(value)) throw badInput(field, `${field} must be a UUID`);
  return value.toLowerCase();
}

function reasonArg(field: string, value: string): string {
  const reason = value.trim();
  if (!reason) throw badInput(field, `${field} must say why`);
  if (reason.length > MAX_REASON)
    throw badInput(field, `${field} must be at most ${MAX_REASON} characters, got ${reason.length}`);
  return reason;
}

/** An input object as a client sent it, with explicit nulls dropped so the plan's defaults fill in. */
function withoutNulls(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  return value;
}

/** A service input error as BAD_USER_INPUT naming the argument path the client sent. */
function inputError(err: RolloutInputError, field: string): GatewayError {
  const message = err.message.startsWith(`${err.field}: `)
    ? err.message.slice(err.field.length + 2)
    : err.message;
  return badInput(field, `${field}: ${message}`);
}

function serviceDeps(ctx: GatewayContext): RolloutServiceDeps {
  return {
    repos: ctx.repos,
    // Not awaited: the change is committed; engines that miss it pick the registry up on their poll.
    announce: (channel, message) => {
      ctx.pubsub.publish(channel, message).catch((err: unknown) => {
        ctx.logger.error({ err, channel, message }, 'could not publish the rollout change');
      });
    },
  };
}

const actorOf = (user: SessionUser) => ({ by: user.email, auditActor: `user:${user.id}` });

/**
 * Events and snapshots per rollout row: `steps`, `currentStep` and `events` of one row share
 * one read. Keyed by the row object, so a subscription's next event (a fresh row) reads anew.
 * A page of rollouts still reads each row's trail on its own (at most 100 per page).
 */
const eventReads = new WeakMap<RolloutRecord, Promise<RolloutEventRecord[]>>();
function eventsOf(ctx: GatewayContext, rollout: RolloutRecord): Promise<RolloutEventRecord[]> {
  let read = eventReads.get(rollout);
  if (!read) eventReads.set(rollout, (read = ctx.repos.rollouts.events(rollout.id)));
  return read;
}

async function stepsOf(ctx: GatewayContext, rollout: RolloutRecord) {
  return presentSteps(rollout, await eventsOf(ctx, rollout));
}

async function act(
  ctx: GatewayContext,
  args: { id: string; reason: string },
  action: ManualRolloutAction,
): Promise<RolloutRecord> {
  const user = requireRole(ctx, ROLLOUT_ROLES);
  const id = uuid('id', args.id);
  const reason = reasonArg('reason', args.reason);
  const rollout = await ctx.repos.rollouts.get(id);
  if (!rollout) throw new GatewayError('NOT_FOUND', `no rollout ${id}`, 'id');
  try {
    return await actOnRollout(serviceDeps(ctx), id, action, actorOf(user), { reason, rollout });
  } catch (err) {
    if (err instanceof RolloutInputError) throw inputError(err, err.field);
    throw err;
  }
}

interface StartRolloutArgs {
  input: {
    kind?: RolloutKind | null;
    candidate: Array<{ name: string; version: number }>;
    steps?: Array<{ percent: number; minDecisions: number; maxDurationMinutes: number }> | null;
    analysis?: Record<string, number | null> | null;
    guards?: Record<string, Record<string, number | null> | null> | null;
    timeframe?: string | null;
    reason: string;
  };
}

export const rolloutResolvers = {
  // Internal values are the contracts' own, so arguments arrive as the service takes them.
  RolloutKind: enumValues(rolloutKinds),
  RolloutStatus: enumValues(rolloutStatuses),
  RolloutAction: enumValues(rolloutActions),
  RolloutStepState: enumValues(rolloutStepStates),
  RolloutVerdict: enumValues(rolloutVerdicts),
  RolloutGuardName: enumValues(rolloutGuardNames),
  RolloutDecision: enumValues(['continue', 'advance', 'promote', 'rollback', 'pause', 'conclude'] as const),
  RolloutWinner: enumValues(['candidate', 'incumbent'] as const),
  Rollout: {
    candidate: (r: RolloutRecord) => modelSet(r.candidateVersions),
    incumbent: (r: RolloutRecord) => modelSet(r.incumbentVersions),
    steps: (r: RolloutRecord, _: unknown, ctx: GatewayContext) => stepsOf(ctx, r),
    currentStep: async (r: RolloutRecord, _: unknown, ctx: GatewayContext) =>
      (await stepsOf(ctx, r))[r.stepIndex]!,
    analysis: (r: RolloutRecord) => presentAnalysis(r.plan.analysis),
    guards: (r: RolloutRecord) => r.plan.guards,
    async evidence(r: RolloutRecord, _: unknown, ctx: GatewayContext) {
      const latest = await ctx.repos.rollouts.latestSnapshot(r.id);
      return latest ? presentEvidence(latest.evidence) : null;
    },
    async evidenceHistory(r: RolloutRecord, args: { limit?: number | null }, ctx: GatewayContext) {
      const limit = pageSize(args.limit, { defaultSize: 500, max: MAX_HISTORY }, 'limit');
      const snapshots: RolloutSnapshotRecord[] = await ctx.repos.rollouts.snapshots(r.id, limit);
      return evidenceHistory(snapshots);
    },
    events: (r: RolloutRecord, _: unknown, ctx: GatewayContext) => eventsOf(ctx, r),
    decisionsPerArm: async (r: RolloutRecord, _: unknown, ctx: GatewayContext) =>
      decisionsPerArm(r, await ctx.repos.rollouts.armCounts(r)),
    availableActions: (r: RolloutRecord, _: unknown, ctx: GatewayContext) =>
      availableActions(r.status, ctx.user?.role ?? null),
  },
  RolloutEvent: {
    evidence: (e: RolloutEventRecord) => (e.evidence ? presentEvidence(e.evidence) : null),
  },
  RolloutChangedEvent: {
    rollout: (e: { rolloutId: string }, _: unknown, ctx: GatewayContext) =>
      ctx.repos.rollouts.get(e.rolloutId),
  },
  Query: {
    async rollouts(
      _: unknown,
      args: { status?: RolloutStatus[] | null; first?: number | null; after?: string | null },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const first = pageSize(args.first, { defaultSize: 20, max: 100 });
      const after = args.after ? rolloutCursor.decode(args.after) : null;
      const page = await ctx.repos.rollouts.list({ status: args.status ?? undefined }, first, after);
      const { nodes, pageInfo } = connection(page, rolloutCursor.encode);
      return { items: nodes, pageInfo };
    },
    async rollout(_: unknown, args: { id: string }, ctx: GatewayContext) {
      requireUser(ctx);
      return ctx.repos.rollouts.get(uuid('id', args.id));
    },
    async activeRollout(_: unknown, __: unknown, ctx: GatewayContext) {
      requireUser(ctx);
      return ctx.repos.rollouts.active();
    },
    rolloutPlanDefaults(_: unknown, __: unknown, ctx: GatewayContext) {
      requireUser(ctx);
      const defaults = parseRolloutPlan({});
      if (!defaults.ok) throw new Error(`the default rollout plan does not parse: ${defaults.error}`);
      const { plan } = defaults;
      return {
        steps: plannedSteps(plan.steps),
        analysis: presentAnalysis(plan.analysis),
        guards: plan.guards,
      };
    },
  },
  Mutation: {
    async startRollout(_: unknown, args: StartRolloutArgs, ctx: GatewayContext) {
      const user = requireRole(ctx, ROLLOUT_ROLES);
      const { input } = args;
      const reason = reasonArg('input.reason', input.reason);
      const timeframe = input.timeframe ? timeframeArg(input.timeframe, 'input.timeframe') : undefined;
      // What the client left out stays undefined: the contracts' defaults fill it in.
      const plan = withoutNulls({
        kind: input.kind,
        steps: input.steps,
        analysis: input.analysis,
        guards: input.guards,
      });
      try {
        return await startRollout(
          serviceDeps(ctx),
          { candidate: input.candidate, plan, reason, timeframe },
          actorOf(user),
        );
      } catch (err) {
        if (err instanceof RolloutInputError) throw inputError(err, startInputField(err.field));
        if (err instanceof RolloutError && err.code === 'ROLLOUT_ACTIVE_EXISTS') {
          // Name the one in the way, so the client can open or end it.
          const active = await ctx.repos.rollouts.active();
          if (active)
            throw new GatewayError(
              'CONFLICT',
              `rollout ${active.id} (${active.candidateLabel} against ${active.incumbentLabel}) is ${active.status}; end it before starting another`,
            );
        }
        throw err;
      }
    },
    pauseRollout: (_: unknown, args: { id: string; reason: string }, ctx: GatewayContext) =>
      act(ctx, args, 'pause'),
    resumeRollout: (_: unknown, args: { id: string; reason: string }, ctx: GatewayContext) =>
      act(ctx, args, 'resume'),
    promoteRollout: (_: unknown, args: { id: string; reason: string }, ctx: GatewayContext) =>
      act(ctx, args, 'promote'),
    abortRollout: (_: unknown, args: { id: string; reason: string }, ctx: GatewayContext) =>
      act(ctx, args, 'abort'),
  },
  Subscription: {
    rolloutChanged: {
      subscribe: withFilter<unknown, { id?: string | null } | undefined, GatewayContext>(
        (_: unknown, args: { id?: string | null } | undefined, ctx: GatewayContext | undefined) => {
          if (!ctx) throw new Error('subscription without context');
          requireUser(ctx);
          if (args?.id) uuid('id', args.id);
          return ctx.pubsub.asyncIterableIterator<unknown>(channels.rolloutChanged);
        },
        // The workers publish on Redis: a message this gateway cannot read is dropped, and said so.
        (payload, args, ctx) => {
          const parsed = rolloutChanged.safeParse(payload);
          if (!parsed.success) {
            ctx?.logger.warn(
              { issue: parsed.error.issues[0] },
              'dropped a rolloutChanged message that does not parse',
            );
            return false;
          }
          return !args?.id || parsed.data.rolloutId === args.id.toLowerCase();
        },
      ),
      resolve: (payload: unknown) => presentChange(rolloutChanged.parse(payload)),
    },
  },
};
