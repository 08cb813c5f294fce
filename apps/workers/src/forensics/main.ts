/**
 * The forensics consumer on its own (`npm run forensics`): for scaling it apart from the job
 * workers (run it with FORENSICS_ENABLED=false on the workers), and for the crash test.
 * /metrics and /healthz on FORENSICS_METRICS_PORT.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openRepositories } from '@tradeplane/db';
import { configOrExit, createLogger, createMetricsRegistry, logEffectiveConfig } from '@tradeplane/platform';
import { forensicsProcessConfigSchema, loadForensicsConfig } from '../config';
import { startForensics } from './start-forensics';

const config = configOrExit('forensics', () => loadForensicsConfig(process.env));
const logger = createLogger('forensics', config.log.LOG_LEVEL);
logEffectiveConfig(logger, forensicsProcessConfigSchema, config);
try {
  const { db } = config;
  const repos = openRepositories({ url: db.DATABASE_URL, poolMax: db.DATABASE_POOL_MAX });
  const metrics = createMetricsRegistry('forensics');
  const running = startForensics({ config, repos, metrics, log: logger });
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
    server.listen(config.forensics.FORENSICS_METRICS_PORT, '127.0.0.1', resolve),
  );
  logger.info(
    { metricsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    'forensics running',
  );
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing the batch in hand');
    void running
      .stop()
      .then(() => repos.db.close())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
} catch (err) {
  logger.fatal({ err }, 'forensics failed to start');
  process.exit(1);
}
