import { configOrExit, createLogger, logEffectiveConfig } from '@tradeplane/platform';
import { loadWorkersConfig, workersProcessConfigSchema } from './config';
import { startWorkers } from './workers';

const config = configOrExit('workers', () => loadWorkersConfig(process.env));
const logger = createLogger('workers', config.log.LOG_LEVEL);
logEffectiveConfig(logger, workersProcessConfigSchema, config);
try {
  const running = await startWorkers(config, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: draining in-flight jobs');
    void running.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
} catch (err) {
  logger.fatal({ err }, 'workers failed to start');
  process.exit(1);
}
