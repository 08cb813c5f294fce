import { channels, type TrainingProgress } from '@tradeplane/contracts';
import type { TrainingJobView } from '@tradeplane/training/service';
import { withFilter } from 'graphql-subscriptions';
import { requireRole, requireUser } from '../../auth/roles';
import type { GatewayContext } from '../../context';
import { pageSize } from '../arguments';

/** GraphQL passes explicit nulls; the payload schema wants absent fields so defaults apply. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  return value;
}

const presentProgress = (p: TrainingProgress) => ({ ...p, at: new Date(p.at) });
const presentJob = (job: TrainingJobView | null) =>
  job && { ...job, progress: job.progress && presentProgress(job.progress) };

export const trainingResolvers = {
  Query: {
    async trainingJob(_: unknown, args: { id: string }, ctx: GatewayContext) {
      requireUser(ctx);
      return presentJob(await ctx.training.get(args.id));
    },
    async trainingJobs(_: unknown, args: { first?: number | null }, ctx: GatewayContext) {
      requireUser(ctx);
      return (await ctx.training.list(pageSize(args.first, { defaultSize: 20, max: 100 }))).map(presentJob);
    },
  },
  Mutation: {
    async startTraining(_: unknown, args: { config?: Record<string, unknown> | null }, ctx: GatewayContext) {
      const user = requireRole(ctx, ['quant', 'admin']);
      return presentJob(await ctx.training.start(withoutNulls(args.config ?? {}), `user:${user.id}`));
    },
    async cancelTraining(_: unknown, args: { id: string }, ctx: GatewayContext) {
      const user = requireRole(ctx, ['quant', 'admin']);
      return ctx.training.cancel(args.id, `user:${user.id}`);
    },
  },
  Subscription: {
    trainingProgress: {
      subscribe: withFilter<
        TrainingProgress | undefined,
        { jobId?: string | null } | undefined,
        GatewayContext
      >(
        (_: unknown, __: unknown, ctx: GatewayContext | undefined) => {
          if (!ctx) throw new Error('subscription without context');
          requireUser(ctx);
          return ctx.pubsub.asyncIterableIterator<TrainingProgress>(channels.trainingProgress);
        },
        (payload, args) => !args?.jobId || payload?.jobId === args.jobId,
      ),
      resolve: (payload: TrainingProgress) => presentProgress(payload),
    },
  },
};
