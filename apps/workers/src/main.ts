import { createLogger } from '@tradeplane/platform';
import { startWorkers } from './workers';

const logger = createLogger('workers');
try {
  const running = await startWorkers(process.env, logger);
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
