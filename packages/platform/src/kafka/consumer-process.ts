import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';

import { configOrExit, logEffectiveConfig, type LogConfig } from '../config';
import { createLogger, type Logger } from '../logging';
import { createMetricsRegistry, type Registry } from '../metrics';

/** A consumer started by its process's main.ts. */
export interface RunningConsumerProcess {
  /** What /healthz reports beside `ok: true`. */
  stats(): object;
  /** Stops the consumer and closes the process's connections, in order. */
  stop(): Promise<void>;
}

/**
 * The main.ts of a consumer run on its own (for scaling it apart from the job workers and for
 * the crash tests): loads and logs the configuration (exit 1 when it does not parse), starts
 * the consumer, serves /metrics and /healthz on 127.0.0.1:`port`, and on SIGINT or SIGTERM
 * finishes the batch in hand, closes everything and exits 0. A failed start exits 1.
 */
export async function runConsumerProcess<C extends { log: LogConfig }>(options: {
  /** The service label of the logs and metrics (`forensics`, `outcomes`). */
  service: string;
  load: () => C;
  schema: z.ZodType;
  port: (config: C) => number;
  start(config: C, deps: { metrics: Registry; log: Logger }): RunningConsumerProcess;
}): Promise<void> {
  const { service } = options;
  const config = configOrExit(service, options.load);
  const logger = createLogger(service, config.log.LOG_LEVEL);
  logEffectiveConfig(logger, options.schema, config);
  try {
    const metrics = createMetricsRegistry(service);
    const running = options.start(config, { metrics, log: logger });
    const server = createServer(async (req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(await metrics.metrics());
      } else if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, ...running.stats() }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(options.port(config), '127.0.0.1', resolve));
    logger.info(
      { metricsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
      `${service} running`,
    );
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down: finishing the batch in hand');
      void running.stop().then(() => process.exit(0));
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  } catch (err) {
    logger.fatal({ err }, `${service} failed to start`);
    process.exit(1);
  }
}
