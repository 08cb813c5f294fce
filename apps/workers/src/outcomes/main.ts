/**
 * The outcome consumer on its own (`npm run outcomes`): for scaling it apart from the job
 * workers (run those with OUTCOMES_ENABLED=false) and for the crash test. It has no bars-stored
 * signal here, so waiting rows resolve on its sweep. /metrics and /healthz on
 * OUTCOME_METRICS_PORT.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openRepositories } from '@tradeplane/db';
import {
  configOrExit,
  createLogger,
  createMetricsRegistry,
  createQueueConnection,
  logEffectiveConfig,
} from '@tradeplane/platform';
import { loadOutcomesConfig, outcomesProcessConfigSchema } from '../config';
import { startOutcomes } from './start-outcomes';

const config = configOrExit('outcomes', () => loadOutcomesConfig(process.env));
const logger = createLogger('outcomes', config.log.LOG_LEVEL);
logEffectiveConfig(logger, outcomesProcessConfigSchema, config);
try {
  const { db } = config;
  const repos = openRepositories({ url: db.DATABASE_URL, poolMax: db.DATABASE_POOL_MAX });
  const redis = createQueueConnection(config.redis.REDIS_QUEUE_URL);
  redis.on('error', () => undefined);
  const metrics = createMetricsRegistry('outcomes');
  const running = startOutcomes({ config, repos, redis, metrics, log: logger });
  const server = createServer(async (req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.contentType });
      res.end(await metrics.metrics());
    } else if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, ...running.consumer.stats }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) =>
    server.listen(config.outcomes.OUTCOME_METRICS_PORT, '127.0.0.1', resolve),
  );
  logger.info(
    { metricsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    'outcomes running',
  );
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing the batch in hand');
    void running
      .stop()
      .then(() => repos.db.close())
      .then(() => redis.disconnect())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
} catch (err) {
  logger.fatal({ err }, 'outcomes failed to start');
  process.exit(1);
}
