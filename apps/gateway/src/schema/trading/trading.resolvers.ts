import { channels, tradingStatus, type TradingStatus } from '@tradeplane/contracts';
import type { TradingHaltRecord } from '@tradeplane/db';
import { withFilter } from 'graphql-subscriptions';
import { requireRole, requireUser } from '../../auth/roles';
import { badInput } from '../../errors/graphql-errors';
import type { GatewayContext } from '../../context';
import { pageSize } from '../arguments';

const REASON_MAX = 2_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Only these roles halt and resume trading. */
const TRADING_CONTROL = ['pm', 'admin'] as const;

function requiredReason(raw: string): string {
  const reason = raw.trim();
  if (!reason) throw badInput('reason', 'reason is required: it goes into the audit log');
  if (reason.length > REASON_MAX) throw badInput('reason', `reason must be at most ${REASON_MAX} characters`);
  return reason;
}

/** `user:<id>` as the user's email; any other actor (`engine:…`, a deleted user) as it is. */
async function actorName(actor: string | null, ctx: GatewayContext): Promise<string | null> {
  if (!actor?.startsWith('user:')) return actor;
  const id = actor.slice('user:'.length);
  if (!UUID.test(id)) return actor;
  return (await ctx.repos.users.findById(id))?.email ?? actor;
}

/**
 * Tells every process (engines, other gateway replicas, subscribed consoles). Not awaited: the
 * halt is already stored, and the queue connection delivers it once Redis is reachable again.
 */
function broadcast(ctx: GatewayContext, state: TradingStatus): void {
  ctx.pubsub.publish(channels.tradingState, state).catch((err: unknown) => {
    ctx.logger.error({ err, state }, 'could not publish the trading state');
  });
}

export const tradingResolvers = {
  Query: {
    async tradingState(_: unknown, __: unknown, ctx: GatewayContext): Promise<TradingStatus> {
      requireUser(ctx);
      return ctx.repos.tradingHalts.current();
    },
    async haltHistory(_: unknown, args: { first?: number | null }, ctx: GatewayContext) {
      requireUser(ctx);
      return ctx.repos.tradingHalts.history(pageSize(args.first, { defaultSize: 20, max: 100 }));
    },
  },
  Mutation: {
    async haltTrading(_: unknown, args: { reason: string }, ctx: GatewayContext) {
      const user = requireRole(ctx, TRADING_CONTROL);
      const reason = requiredReason(args.reason);
      const actor = `user:${user.id}`;
      const { state, created } = await ctx.repos.tradingHalts.halt(reason, actor);
      if (created) {
        await ctx.repos.audit.append({
          actor,
          action: 'trading.halt',
          reason,
          details: { since: state.since },
        });
        broadcast(ctx, state);
      }
      return { state, changed: created };
    },
    async resumeTrading(_: unknown, args: { reason: string }, ctx: GatewayContext) {
      const user = requireRole(ctx, TRADING_CONTROL);
      const reason = requiredReason(args.reason);
      const actor = `user:${user.id}`;
      const before = await ctx.repos.tradingHalts.current();
      const { state, resumed } = await ctx.repos.tradingHalts.resume(actor, reason);
      if (resumed) {
        await ctx.repos.audit.append({
          actor,
          action: 'trading.resume',
          reason,
          details: { haltCause: before.cause, haltedBy: before.actor, haltedSince: before.since },
        });
        broadcast(ctx, state);
      }
      return { state, changed: resumed };
    },
  },
  Subscription: {
    tradingStateChanged: {
      subscribe: withFilter<unknown, unknown, GatewayContext>(
        (_: unknown, __: unknown, ctx: GatewayContext | undefined) => {
          if (!ctx) throw new Error('subscription without context');
          requireUser(ctx);
          return ctx.pubsub.asyncIterableIterator<unknown>(channels.tradingState);
        },
        // Other processes publish here too (the engine's leakage halt): pass on only what parses.
        (payload) => tradingStatus.safeParse(payload).success,
      ),
      resolve: (payload: unknown) => tradingStatus.parse(payload),
    },
  },
  TradingStatus: {
    halted: (status: TradingStatus) => status.state === 'HALTED',
    actorName: (status: TradingStatus, _: unknown, ctx: GatewayContext) => actorName(status.actor, ctx),
  },
  TradingHalt: {
    haltedByName: async (h: TradingHaltRecord, _: unknown, ctx: GatewayContext) =>
      (await actorName(h.haltedBy, ctx)) ?? h.haltedBy,
    resumedByName: (h: TradingHaltRecord, _: unknown, ctx: GatewayContext) => actorName(h.resumedBy, ctx),
  },
};
