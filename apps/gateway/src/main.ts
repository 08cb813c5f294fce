import { createLogger } from '@tradeplane/platform';
import { startGateway } from './gateway';

const logger = createLogger('gateway');
try {
  const gateway = await startGateway(process.env, logger);
  if (gateway.generatedAdminPassword) {
    // Printed once, at the first start, so the first person can sign in.
    console.log(
      `\n  First sign-in: ${process.env.ADMIN_EMAIL ?? 'admin@tradeplane.local'} / ${gateway.generatedAdminPassword}\n`,
    );
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
