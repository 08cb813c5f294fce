import { createLogger } from '@tradeplane/platform';
import { startEngine } from './engine';

const logger = createLogger('engine');
try {
  const engine = await startEngine(process.env, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    void engine.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
} catch (err) {
  logger.fatal({ err }, 'engine failed to start');
  process.exit(1);
}
