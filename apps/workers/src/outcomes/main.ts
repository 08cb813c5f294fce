/**
 * The outcome consumer on its own (`npm run outcomes`): for scaling it apart from the job
 * workers (run those with OUTCOMES_ENABLED=false) and for the crash test. It has no bars-stored
 * signal here, so waiting rows resolve on its sweep. /metrics and /healthz on
 * OUTCOME_METRICS_PORT.
 */
import { openRepositories } from '@tradeplane/db';
import { createQueueConnection, runConsumerProcess } from '@tradeplane/platform';
import { loadOutcomesConfig, outcomesProcessConfigSchema } from '../config';
import { startOutcomes } from './start-outcomes';

await runConsumerProcess({
  service: 'outcomes',
  load: () => loadOutcomesConfig(process.env),
  schema: outcomesProcessConfigSchema,
  port: (config) => config.outcomes.OUTCOME_METRICS_PORT,
  start(config, { metrics, log }) {
    const { db } = config;
    const repos = openRepositories({ url: db.DATABASE_URL, poolMax: db.DATABASE_POOL_MAX });
    const redis = createQueueConnection(config.redis.REDIS_QUEUE_URL);
    redis.on('error', () => undefined);
    const running = startOutcomes({ config, repos, redis, metrics, log });
    return {
      stats: () => running.consumer.stats,
      stop: () =>
        running
          .stop()
          .then(() => repos.db.close())
          .then(() => redis.disconnect()),
    };
  },
});
