import type { Logger } from '@tradeplane/platform';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../context';
import { checkHealth } from './health.resolvers';

/** A context whose components answer as given; PostgreSQL fails with a driver's message. */
function context(workers: number): { ctx: GatewayContext; logged: unknown[] } {
  const logged: unknown[] = [];
  const ctx = {
    logger: { warn: (context: unknown) => logged.push(context) } as unknown as Logger,
    repos: {
      db: {
        pool: {
          query: async () => {
            throw new Error('connect ECONNREFUSED 127.0.0.1:55432 at /srv/app/node_modules/pg/lib/client.js');
          },
        },
      },
    },
    redisQueue: { ping: async () => 'PONG' },
    redisCache: { ping: async () => 'PONG' },
    kafka: { describe: async () => '1 broker(s), controller 1' },
    engine: { healthz: async () => ({ ok: true, components: [] }) },
    importQueue: { queue: { getWorkers: async () => Array.from({ length: workers }) } },
  } as unknown as GatewayContext;
  return { ctx, logged };
}

describe('health', () => {
  it('names a failing component’s reason in the gateway’s words, and logs the driver’s', async () => {
    const { ctx, logged } = context(1);
    const report = await checkHealth(ctx);
    const postgres = report.components.find((c) => c.name === 'postgres');
    expect(postgres).toMatchObject({ state: 'down', detail: 'not reachable' });
    expect(JSON.stringify(report)).not.toMatch(/ECONNREFUSED|node_modules|55432/);
    expect(logged).toHaveLength(1);
  });

  it('keeps the gateway’s own reasons', async () => {
    const report = await checkHealth(context(0).ctx);
    expect(report.components.find((c) => c.name === 'workers')).toMatchObject({
      state: 'down',
      detail: 'no worker is consuming the data-import queue',
    });
  });
});
