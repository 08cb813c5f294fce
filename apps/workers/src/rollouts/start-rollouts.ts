import type { Repositories } from '@tradeplane/db';
import type { Logger, Redis, Registry } from '@tradeplane/platform';
import { RolloutController } from './rollout-controller';
import type { RolloutsConfig } from './rollouts.config';

/**
 * Starts the rollout controller: announcements (stage changes for the engines, rollout changes
 * for the console) go out on the queue Redis after each commit; a lost one only delays the
 * engines until their registry poll.
 */
export function startRolloutController(deps: {
  config: RolloutsConfig;
  repos: Repositories;
  redis: Redis;
  metrics: Registry;
  log: Logger;
}): RolloutController {
  const log = deps.log.child({ scope: 'rollouts' });
  const controller = new RolloutController(
    {
      repos: deps.repos,
      announce: (channel, message) => {
        deps.redis.publish(channel, JSON.stringify(message)).catch((err: unknown) => {
          log.warn(
            { err, channel },
            'could not announce a rollout change; engines will see it on their poll',
          );
        });
      },
      clock: Date.now,
      metrics: deps.metrics,
      log,
    },
    {
      tickMs: deps.config.ROLLOUT_TICK_MS,
      leaseMs: deps.config.ROLLOUT_LEASE_MS,
      crashStaleMs: deps.config.ROLLOUT_CRASH_STALE_MS,
      snapshotEveryMs: deps.config.ROLLOUT_SNAPSHOT_EVERY_MS,
    },
  );
  controller.start();
  return controller;
}
