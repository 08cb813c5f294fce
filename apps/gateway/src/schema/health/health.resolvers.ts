import { probe } from '@tradeplane/platform';
import type { GatewayContext } from '../../context';

/** Health of every component the platform runs on; public so the console can show it before sign-in. */
export async function checkHealth(ctx: GatewayContext) {
  const components = await Promise.all([
    probe('postgres', async () => {
      await ctx.repos.db.pool.query('SELECT 1');
      return null;
    }),
    probe('redis-queue', async () => `${await ctx.redisQueue.ping()}`),
    probe('redis-cache', async () => `${await ctx.redisCache.ping()}`),
    probe('kafka', () => ctx.kafka.describe()),
    probe('engine', async () => {
      const h = await ctx.engine.healthz();
      const down = h.components.filter((c) => c.state !== 'up').map((c) => c.name);
      if (!h.ok) throw new Error(`engine unhealthy: ${down.join(', ')}`);
      return down.length ? `degraded: ${down.join(', ')}` : null;
    }),
    probe('workers', async () => {
      const workers = await ctx.importQueue.queue.getWorkers();
      if (workers.length === 0) throw new Error('no worker is consuming the data-import queue');
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
