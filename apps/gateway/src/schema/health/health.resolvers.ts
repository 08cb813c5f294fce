import { probe } from '@tradeplane/platform';
import type { GatewayContext } from '../../context';

/** A component's state in the gateway's own words: the only reasons an anonymous caller reads. */
class Unhealthy extends Error {}

/**
 * A probe whose failure reads "not reachable" unless the check said why in its own words: a
 * driver's message (addresses, file paths, SQL) goes to the log, not to the anonymous caller.
 */
function publicProbe(ctx: GatewayContext, name: string, check: () => Promise<string | null>) {
  return probe(name, async () => {
    try {
      return await check();
    } catch (err) {
      if (err instanceof Unhealthy) throw err;
      ctx.logger.warn({ err, component: name }, 'health check failed');
      throw new Unhealthy('not reachable');
    }
  });
}

/** Health of every component the platform runs on; public so the console can show it before sign-in. */
export async function checkHealth(ctx: GatewayContext) {
  const components = await Promise.all([
    publicProbe(ctx, 'postgres', async () => {
      await ctx.repos.db.pool.query('SELECT 1');
      return null;
    }),
    publicProbe(ctx, 'redis-queue', async () => `${await ctx.redisQueue.ping()}`),
    publicProbe(ctx, 'redis-cache', async () => `${await ctx.redisCache.ping()}`),
    publicProbe(ctx, 'kafka', () => ctx.kafka.describe()),
    publicProbe(ctx, 'engine', async () => {
      const h = await ctx.engine.healthz();
      const down = h.components.filter((c) => c.state !== 'up').map((c) => c.name);
      if (!h.ok) throw new Unhealthy(`engine unhealthy: ${down.join(', ')}`);
      return down.length ? `degraded: ${down.join(', ')}` : null;
    }),
    publicProbe(ctx, 'workers', async () => {
      const workers = await ctx.importQueue.queue.getWorkers();
      if (workers.length === 0) throw new Unhealthy('no worker is consuming the data-import queue');
      return `${workers.length} worker connection(s)`;
    }),
  ]);
  return { ok: components.every((c) => c.state === 'up'), components };
}

export const healthResolvers = {
  Query: {
    health: (_: unknown, __: unknown, ctx: GatewayContext) => checkHealth(ctx),
  },
};
