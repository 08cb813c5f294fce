import type { DecisionEvent } from '@tradeplane/contracts';
import { withFilter } from 'graphql-subscriptions';
import { requireUser } from '../../auth/roles';
import { badInput } from '../../errors/graphql-errors';
import type { GatewayContext } from '../../context';
import { DECISION_SAMPLED_CHANNEL } from '../../decisions';

/** The contract's id: a ULID (48-bit ms time + randomness, Crockford base32). */
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const versionList = (versions: Record<string, number>) =>
  Object.entries(versions).map(([name, version]) => ({ name, version }));

/** The event as the schema shows it: maps become lists, times become DateTimes. */
export function presentDecision(e: DecisionEvent) {
  return {
    ...e,
    at: new Date(e.at),
    symbols: e.targets.map((t) => t.symbol),
    targets: e.targets.map((t) => ({
      ...t,
      features: Object.entries(t.features).map(([name, value]) => ({ name, value })),
    })),
    models: { arm: e.models.arm, versions: versionList(e.models.versions) },
    shadow: e.shadow && { versions: versionList(e.shadow.versions), targets: e.shadow.targets },
  };
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
      const first = args.first ?? 50;
      if (!Number.isInteger(first) || first < 1 || first > 500)
        throw badInput('first', 'first must be between 1 and 500');
      return (await ctx.decisions.recent(first, symbolArg(args.symbol))).map(presentDecision);
    },
    async decision(_: unknown, args: { id: string }, ctx: GatewayContext) {
      requireUser(ctx);
      const id = args.id.trim().toUpperCase();
      if (!ULID.test(id))
        throw badInput('id', 'id must be a decision id (a ULID: 26 Crockford base32 characters)');
      const event = await ctx.decisions.get(id);
      return event && presentDecision(event);
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
