import {
  channels,
  trainingCancelKey,
  trainingPayload,
  trainingProgressSchema,
  type TrainingProgress,
} from '@tradeplane/contracts';
import type { Job } from '@tradeplane/platform';
import { withFilter } from 'graphql-subscriptions';
import { requireRole, requireUser } from '../../auth/roles';
import { badInput } from '../../errors/graphql-errors';
import type { GatewayContext } from '../../context';

const JOB_NAME = 'training.run';

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

async function presentJob(job: Job) {
  const parsed = trainingProgressSchema.safeParse(job.progress);
  const progress = parsed.success ? presentProgress(parsed.data) : null;
  const result = (job.returnvalue ?? null) as {
    runId?: string;
    modelName?: string;
    modelVersion?: number;
    modelSet?: string;
    versions?: Array<{ modelName: string; version: number }>;
  } | null;
  return {
    id: job.id,
    state: await job.getState(),
    failedReason: job.failedReason ?? null,
    progress,
    runId: result?.runId ?? progress?.runId ?? null,
    modelName: result?.modelName ?? null,
    modelVersion: result?.modelVersion ?? null,
    modelSet: result?.modelSet ?? null,
    versions: (result?.versions ?? []).map(({ modelName, version }) => ({ modelName, version })),
  };
}

const presentProgress = (p: TrainingProgress) => ({ ...p, at: new Date(p.at) });

export const trainingResolvers = {
  Query: {
    async trainingJob(_: unknown, args: { id: string }, ctx: GatewayContext) {
      requireUser(ctx);
      const job = await ctx.trainingQueue.queue.getJob(args.id);
      return job && job.name === JOB_NAME ? presentJob(job) : null;
    },
    async trainingJobs(_: unknown, args: { first?: number | null }, ctx: GatewayContext) {
      requireUser(ctx);
      const first = Math.min(Math.max(args.first ?? 20, 1), 100);
      const jobs = await ctx.trainingQueue.queue.getJobs(
        ['active', 'waiting', 'delayed', 'completed', 'failed'],
        0,
        first * 2,
      );
      return Promise.all(
        jobs
          .filter((j): j is Job => !!j && j.name === JOB_NAME)
          .sort((a, b) => b.timestamp - a.timestamp)
          .slice(0, first)
          .map(presentJob),
      );
    },
  },
  Mutation: {
    async startTraining(_: unknown, args: { config?: Record<string, unknown> | null }, ctx: GatewayContext) {
      const user = requireRole(ctx, ['quant', 'admin']);
      const parsed = trainingPayload.safeParse(withoutNulls(args.config ?? {}));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = ['config', ...issue.path.map(String)].join('.');
        throw badInput(field, `${field}: ${issue.message}`);
      }
      const config = parsed.data;
      const symbols = [config.market, ...(config.universe ?? [])];
      for (const [i, symbol] of symbols.entries()) {
        if (!(await ctx.repos.instruments.findBySymbol(symbol))) {
          const field = i === 0 ? 'config.market' : `config.universe[${i - 1}]`;
          throw badInput(field, `${field}: unknown symbol ${symbol}`);
        }
      }
      const jobId = await ctx.trainingQueue.enqueue(config);
      await ctx.repos.audit.append({
        actor: `user:${user.id}`,
        action: 'training.start',
        target: jobId,
        details: {
          modelName: config.modelName,
          seed: config.seed,
          universe: config.universe ?? [config.market],
        },
      });
      const job = await ctx.trainingQueue.queue.getJob(jobId);
      return presentJob(job!);
    },
    async cancelTraining(_: unknown, args: { id: string }, ctx: GatewayContext) {
      const user = requireRole(ctx, ['quant', 'admin']);
      const job = await ctx.trainingQueue.queue.getJob(args.id);
      if (!job || job.name !== JOB_NAME) return false;
      const state = await job.getState();
      if (state === 'completed' || state === 'failed') return false;
      // A running job sees the flag within half a second (mid-training too); a waiting one is removed outright.
      await ctx.redisQueue.set(trainingCancelKey(args.id), user.id, 'EX', 86_400);
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
        await job.remove().catch(() => undefined);
      }
      await ctx.repos.audit.append({
        actor: `user:${user.id}`,
        action: 'training.cancel',
        target: args.id,
        details: { state },
      });
      return true;
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
