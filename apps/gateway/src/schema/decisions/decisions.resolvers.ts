import type { DecisionEvent } from '@tradeplane/contracts';
import { withFilter } from 'graphql-subscriptions';
import { requireUser } from '../../auth/roles';
import { badInput } from '../../errors/graphql-errors';
import type { GatewayContext } from '../../context';
import { DECISION_ID_FORMAT, DECISION_SAMPLED_CHANNEL, parseDecisionId } from '../../decisions';
import { presentDecision } from './present-decision';
import { pageSize } from '../arguments';

/** The mirrored decision, or null; the mirror is a cache, so an outage means "ask PostgreSQL". */
async function mirroredDecision(ctx: GatewayContext, id: string): Promise<DecisionEvent | null> {
  try {
    return await ctx.decisions.get(id);
  } catch (err) {
    ctx.logger.warn({ err, decisionId: id }, 'decision mirror unreachable; reading the stored decision');
    return null;
  }
}

function symbolArg(symbol: string | null | undefined): string | undefined {
  const s = symbol?.trim().toUpperCase();
  return s ? s : undefined;
}

export const decisionResolvers = {
  Query: {
    async recentDecisions(
      _: unknown,
      args: { first?: number | null; symbol?: string | null },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const first = pageSize(args.first, { defaultSize: 50, max: 500 });
      return (await ctx.decisions.recent(first, symbolArg(args.symbol))).map((e) => presentDecision(e));
    },
    async decision(_: unknown, args: { id: string }, ctx: GatewayContext) {
      requireUser(ctx);
      const id = parseDecisionId(args.id);
      if (!id) throw badInput('id', `id must be ${DECISION_ID_FORMAT}`);
      const mirrored = await mirroredDecision(ctx, id);
      if (mirrored) return presentDecision(mirrored);
      // Gone from the mirror (older than its TTL, or evicted): the decision as the forensics
      // consumer stored it, explained or failed. Null only when neither has it.
      const stored = await ctx.repos.forensics.get(id);
      return stored && presentDecision(stored.decision, stored);
    },
  },
  Subscription: {
    decisionSampled: {
      subscribe: withFilter<
        DecisionEvent | undefined,
        { symbol?: string | null } | undefined,
        GatewayContext
      >(
        (_: unknown, __: unknown, ctx: GatewayContext | undefined) => {
          if (!ctx) throw new Error('subscription without context');
          requireUser(ctx);
          return ctx.pubsub.asyncIterableIterator<DecisionEvent>(DECISION_SAMPLED_CHANNEL);
        },
        (payload, args) => {
          const symbol = symbolArg(args?.symbol);
          return !!payload && (!symbol || payload.targets.some((t) => t.symbol === symbol));
        },
      ),
      resolve: (payload: DecisionEvent) => presentDecision(payload),
    },
  },
};
