/**
 * The forensics consumer on its own (`npm run forensics`): for scaling it apart from the job
 * workers (run it with FORENSICS_ENABLED=false on the workers), and for the crash test.
 * /metrics and /healthz on FORENSICS_METRICS_PORT.
 */
import { openRepositories } from '@tradeplane/db';
import { runConsumerProcess } from '@tradeplane/platform';
import { forensicsProcessConfigSchema, loadForensicsConfig } from '../config';
import { startForensics } from './start-forensics';

await runConsumerProcess({
  service: 'forensics',
  load: () => loadForensicsConfig(process.env),
  schema: forensicsProcessConfigSchema,
  port: (config) => config.forensics.FORENSICS_METRICS_PORT,
  start(config, { metrics, log }) {
    const { db } = config;
    const repos = openRepositories({ url: db.DATABASE_URL, poolMax: db.DATABASE_POOL_MAX });
    const running = startForensics({ config, repos, metrics, log });
    return {
      stats: () => running.consumer.stats,
      stop: () => running.stop().then(() => repos.db.close()),
    };
  },
});
