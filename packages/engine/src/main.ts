import { configOrExit, createLogger, logEffectiveConfig } from '@tradeplane/platform';
import { engineProcessConfigSchema, loadEngineConfig } from './config';
import { startEngine } from './engine';

const config = configOrExit('engine', () => loadEngineConfig(process.env));
const logger = createLogger('engine', config.log.LOG_LEVEL);
logEffectiveConfig(logger, engineProcessConfigSchema, config);
try {
  const engine = await startEngine(config, logger);
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
