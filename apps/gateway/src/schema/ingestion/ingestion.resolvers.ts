import { stat } from 'node:fs/promises';
import path from 'node:path';
import { channels, type IngestionProgress } from '@tradeplane/contracts';
import { withFilter } from 'graphql-subscriptions';
import { requireRole, requireUser } from '../../auth/roles';
import { badInput } from '../../errors/graphql-errors';
import type { GatewayContext } from '../../context';
import { pageSize } from '../arguments';

/** importData reads server-side paths: only inside the configured roots. */
export function allowedImportRoots(configured: string): string[] {
  const repoRoot = path.resolve(import.meta.dirname, '../../../../..');
  const roots = configured
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return (roots.length ? roots : [path.join(repoRoot, 'data'), path.resolve(repoRoot, '../shared/data')]).map(
    (r) => path.resolve(r),
  );
}

export const ingestionResolvers = {
  Query: {
    async ingestionRuns(_: unknown, args: { first?: number }, ctx: GatewayContext) {
      requireUser(ctx);
      return ctx.repos.ingestionRuns.recent(pageSize(args.first, { defaultSize: 20, max: 200 }));
    },
    async ingestionRun(_: unknown, args: { id: string }, ctx: GatewayContext) {
      requireUser(ctx);
      if (!/^[0-9a-f-]{36}$/i.test(args.id)) throw badInput('id', 'id must be a UUID');
      return ctx.repos.ingestionRuns.get(args.id);
    },
  },
  Mutation: {
    async importData(_: unknown, args: { path: string }, ctx: GatewayContext) {
      const user = requireRole(ctx, ['quant', 'admin']);
      const roots = allowedImportRoots(ctx.config.DATA_IMPORT_ROOTS);
      const target = path.resolve(args.path);
      if (!roots.some((root) => target === root || target.startsWith(root + path.sep))) {
        throw badInput('path', `path must be inside one of: ${roots.join(', ')}`);
      }
      const info = await stat(target).catch(() => null);
      if (!info) throw badInput('path', `no such file or directory: ${target}`);
      const run = await ctx.repos.ingestionRuns.create(target, user.id);
      await ctx.importQueue.enqueue({ runId: run.id, path: target }, { jobId: run.id });
      await ctx.repos.audit.append({
        actor: `user:${user.id}`,
        action: 'data.import',
        target: run.id,
        details: { path: target },
      });
      return run;
    },
  },
  Subscription: {
    ingestionProgress: {
      subscribe: withFilter<IngestionProgress | undefined, { runId?: string }, GatewayContext>(
        (_: unknown, __: unknown, ctx: GatewayContext | undefined) => {
          if (!ctx) throw new Error('subscription without context');
          requireUser(ctx);
          return ctx.pubsub.asyncIterableIterator<IngestionProgress>(channels.ingestionProgress);
        },
        (payload: IngestionProgress | undefined, args: { runId?: string } | undefined) =>
          !args?.runId || payload?.runId === args.runId,
      ),
      resolve: (payload: IngestionProgress) => payload,
    },
  },
  IngestionRun: {
    rejects: (run: { rejects: unknown }) => (Array.isArray(run.rejects) ? run.rejects : []),
  },
};
