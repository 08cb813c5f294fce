import { channels, type RegimeChange } from '@tradeplane/contracts';
import type { RegimeModel } from '@tradeplane/db';
import {
  DEFAULT_SMOOTHING_HALF_LIFE,
  fittedStates,
  regimeDisruption,
  type HmmParams,
  type RegimeLabel,
} from '@tradeplane/quant';
import { withFilter } from 'graphql-subscriptions';
import { requireRole, requireUser } from '../../auth/roles';
import { badInput } from '../../errors/graphql-errors';
import { timeArg, timeframeArg } from '../arguments';
import type { DateTimeArgument } from '../scalars';
import type { GatewayContext } from '../../context';

type StoredParams = HmmParams & { labels: RegimeLabel[]; smoothingHalfLife?: number };

/** The stored model as the schema shows it: states ordered bull, bear, sideways; transition in that order. */
export function presentModel(model: RegimeModel) {
  const params = model.params as unknown as StoredParams;
  const states = fittedStates(params, params.labels);
  const order = states.map((s) => s.state);
  return {
    version: model.version,
    symbol: model.symbol,
    timeframe: model.timeframe,
    seed: model.seed,
    logLikelihood: model.logLikelihood,
    states: states.map((s) => ({ label: s.label, mean: s.mean, variance: s.var })),
    transition: order.map((i) => order.map((j) => params.transition[i]![j]!)),
    trainedFrom: model.trainedFrom,
    trainedTo: model.trainedTo,
    createdAt: model.createdAt,
    // Models stored before the half-life was kept are served with the default.
    smoothingHalfLife: params.smoothingHalfLife ?? DEFAULT_SMOOTHING_HALF_LIFE,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const regimeResolvers = {
  Query: {
    async regimeFitJob(_: unknown, args: { id: string }, ctx: GatewayContext) {
      requireUser(ctx);
      const job = await ctx.regimeQueue.queue.getJob(args.id);
      if (!job || job.name !== 'regime.fit') return null;
      return {
        id: job.id,
        state: await job.getState(),
        failedReason: job.failedReason ?? null,
        attemptsMade: job.attemptsMade,
      };
    },
    async regimeModels(_: unknown, args: { symbol?: string }, ctx: GatewayContext) {
      requireUser(ctx);
      return (await ctx.repos.regimes.listModels(args.symbol?.toUpperCase())).map(presentModel);
    },
    async regimeHistory(
      _: unknown,
      args: {
        symbol: string;
        modelVersion?: string;
        from?: DateTimeArgument | null;
        to?: DateTimeArgument | null;
      },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      if (args.modelVersion !== undefined && !UUID.test(args.modelVersion))
        throw badInput('modelVersion', 'modelVersion must be a UUID');
      const range = {
        fromMs: timeArg('from', args.from)?.getTime(),
        toMs: timeArg('to', args.to)?.getTime(),
      };
      const symbol = args.symbol.toUpperCase();
      const model = args.modelVersion
        ? await ctx.repos.regimes.getModel(args.modelVersion)
        : await ctx.repos.regimes.latestModel(symbol);
      if (!model || model.symbol !== symbol) return null;
      const h = await ctx.repos.regimes.history(model.version, range);
      const points = Array.from(h.ts, (ts, i) => ({
        time: new Date(ts),
        bull: h.bull[i]!,
        bear: h.bear[i]!,
        sideways: h.sideways[i]!,
        regime: h.regime[i]!,
      }));
      const transitions = [];
      for (let i = 1; i < points.length; i++) {
        if (points[i]!.regime !== points[i - 1]!.regime) {
          transitions.push({ time: points[i]!.time, from: points[i - 1]!.regime, to: points[i]!.regime });
        }
      }
      const presented = presentModel(model);
      const d = regimeDisruption(points, undefined, { smoothingHalfLife: presented.smoothingHalfLife });
      return {
        model: presented,
        points,
        transitions,
        disruption: {
          transitions: d.transitions,
          hardSwitch: d.hardSwitch,
          blended: d.blended,
          blendedSmoothed: d.blendedSmoothed,
          smoothingHalfLife: d.smoothingHalfLife,
        },
      };
    },
  },
  Mutation: {
    async fitRegimeModel(
      _: unknown,
      args: { symbol: string; timeframe: string; seed: number; smoothingHalfLife?: number | null },
      ctx: GatewayContext,
    ) {
      const user = requireRole(ctx, ['quant', 'admin']);
      const symbol = args.symbol.toUpperCase();
      const timeframe = timeframeArg(args.timeframe);
      if (!(await ctx.repos.instruments.findBySymbol(symbol)))
        throw badInput('symbol', `unknown symbol: ${symbol}`);
      if (!Number.isInteger(args.seed) || args.seed < 0)
        throw badInput('seed', 'seed must be a non-negative integer');
      const halfLife = args.smoothingHalfLife ?? undefined;
      if (halfLife !== undefined && !(halfLife > 0 && halfLife <= 260))
        throw badInput('smoothingHalfLife', 'smoothingHalfLife must be > 0 and ≤ 260 bars');
      const jobId = await ctx.regimeQueue.enqueue({
        symbol,
        timeframe,
        seed: args.seed,
        ...(halfLife === undefined ? {} : { smoothingHalfLife: halfLife }),
      });
      await ctx.repos.audit.append({
        actor: `user:${user.id}`,
        action: 'regime.fit',
        target: jobId,
        details: { symbol, seed: args.seed, smoothingHalfLife: halfLife ?? null },
      });
      return jobId;
    },
  },
  Subscription: {
    regimeChanged: {
      subscribe: withFilter<RegimeChange | undefined, { symbol?: string } | undefined, GatewayContext>(
        (_: unknown, __: unknown, ctx: GatewayContext | undefined) => {
          if (!ctx) throw new Error('subscription without context');
          requireUser(ctx);
          return ctx.pubsub.asyncIterableIterator<RegimeChange>(channels.regimeChanged);
        },
        (payload, args) => !args?.symbol || payload?.symbol === args.symbol.toUpperCase(),
      ),
      resolve: (payload: RegimeChange) => payload,
    },
  },
};
