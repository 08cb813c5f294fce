import { configOrExit, createLogger, logEffectiveConfig } from '@tradeplane/platform';
import { gatewayProcessConfigSchema, loadGatewayConfig } from './config';
import { startGateway } from './gateway';

const config = configOrExit('gateway', () => loadGatewayConfig(process.env));
const logger = createLogger('gateway', config.log.LOG_LEVEL);
logEffectiveConfig(logger, gatewayProcessConfigSchema, config);
try {
  const gateway = await startGateway(config, logger);
  if (gateway.generatedAdminPassword) {
    // Printed once, at the first start, so the first person can sign in.
    console.log(`\n  First sign-in: ${config.gateway.ADMIN_EMAIL} / ${gateway.generatedAdminPassword}\n`);
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    void gateway.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
} catch (err) {
  logger.fatal({ err }, 'gateway failed to start');
  process.exit(1);
}
