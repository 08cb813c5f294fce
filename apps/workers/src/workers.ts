import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  channels,
  type IngestionProgress,
  type RegimeChange,
  type TrainingProgress,
} from '@tradeplane/contracts';
import { openRepositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import {
  Counter,
  createJobWorker,
  JobQueue,
  createMetricsRegistry,
  createQueueConnection,
  type Logger,
} from '@tradeplane/platform';
import { redisTrackingEvents, trackingClient } from '@tradeplane/tracking';
import type { Worker } from 'bullmq';
import type { WorkersProcessConfig } from './config';
import { backfillFeatures } from './jobs/features/backfill-features.job';
import { fitRegimeModel } from './jobs/regime/fit-regime.job';
import { enqueueRegimeUpdate } from './jobs/regime/regime-update-trigger';
import { updateRegimeHistory } from './jobs/regime/update-regime.job';
import { startForensics, type RunningForensics } from './forensics/start-forensics';
import { BarsStoredSignal } from './market-data/bars-stored';
import { startOutcomes, type RunningOutcomes } from './outcomes/start-outcomes';
import { startBarsPersister, type RunningBarsPersister } from './market-data/start-bars-persister';
import type { RolloutController } from './rollouts/rollout-controller';
import { startRolloutController } from './rollouts/start-rollouts';
import {
  disposePreparedTrainingThread,
  prepareTrainingThread,
  runTrainingJob,
  TrainingJobs,
} from '@tradeplane/training';

export { loadWorkersConfig, workersProcessConfigSchema, type WorkersProcessConfig } from './config';
export { BarsStoredSignal, type BarsStored, type BarsStoredListener } from './market-data/bars-stored';

export interface RunningWorkers {
  metricsUrl: string;
  workers: Worker[];
  /** The forensics consumer, when FORENSICS_ENABLED. */
  forensics: RunningForensics | null;
  /** The outcome ledger's consumer, when OUTCOMES_ENABLED. */
  outcomes: RunningOutcomes | null;
  /** The bars persister of the market-data topic, when MARKET_DATA_PERSISTER_ENABLED. */
  barsPersister: RunningBarsPersister | null;
  /** Fires after each batch of live bars is stored (whether or not the persister runs here). */
  barsStored: BarsStoredSignal;
  /** The rollout controller, when ROLLOUT_CONTROLLER_ENABLED (it acts only while it holds the lease). */
  rollouts: RolloutController | null;
  stop(): Promise<void>;
}

/**
 * Starts the BullMQ workers (data import, feature backfill, regime, training), the forensics
 * and outcome-ledger consumers of the decisions topic (FORENSICS_ENABLED, OUTCOMES_ENABLED), the
 * bars persister of the market-data topic (MARKET_DATA_PERSISTER_ENABLED), the rollout controller
 * (ROLLOUT_CONTROLLER_ENABLED) and a /metrics endpoint.
 */
export async function startWorkers(
  processConfig: WorkersProcessConfig,
  logger: Logger,
): Promise<RunningWorkers> {
  const { workers: config, db: dbConfig, redis: redisConfig } = processConfig;

  const repos = openRepositories({ url: dbConfig.DATABASE_URL, poolMax: dbConfig.DATABASE_POOL_MAX });
  const connection = createQueueConnection(redisConfig.REDIS_QUEUE_URL);
  const publisher = createQueueConnection(redisConfig.REDIS_QUEUE_URL);
  for (const r of [connection, publisher]) r.on('error', () => undefined);
  const publish = (channel: string, message: unknown) =>
    publisher.publish(channel, JSON.stringify(message)).then(() => undefined);

  const metrics = createMetricsRegistry('workers');
  const jobsTotal = new Counter({
    name: 'tp_worker_jobs_total',
    help: 'Jobs finished, by job name and outcome',
    labelNames: ['job', 'outcome'],
    registers: [metrics],
  });

  const regimeUpdates = new JobQueue('regime.update', connection);
  const regimeUpdateTrigger = {
    hasRegimeModel: async (symbol: string, timeframe: string) =>
      (await repos.regimes.latestModel(symbol, timeframe)) !== null,
    enqueue: regimeUpdates.enqueue.bind(regimeUpdates),
  };
  const trainingJobs = new TrainingJobs({ repos, redis: connection });
  // One tracking writer per worker process: its spool replays after a restart under the same name.
  const tracking = await trackingClient({
    config: processConfig.tracking,
    repository: repos.tracking,
    writer: `workers-${config.WORKERS_METRICS_PORT}`,
    owner: 'worker:regime',
    events: redisTrackingEvents(publisher, logger),
    logger,
  });
  const regimeDeps = {
    repos,
    tracking,
    publishChange: (change: RegimeChange) => publish(channels.regimeChanged, change).catch(() => undefined),
  };

  const importWorker = createJobWorker(
    {
      'data.import': async (payload, job) => {
        const log = logger.child({ scope: 'data.import', jobId: job.id, runId: payload.runId });
        log.info({ path: payload.path }, 'import started');
        const run = await runIngestion(repos, payload.runId, payload.path, {
          onProgress: (p: IngestionProgress) => {
            void job.updateProgress(p);
            void publish(channels.ingestionProgress, p).catch(() => undefined);
          },
          onSeriesUpdated: async (symbol, timeframe) => {
            await publish(channels.barsUpdated, { symbol, timeframe }).catch(() => undefined);
            const updateJob = await enqueueRegimeUpdate(
              regimeUpdateTrigger,
              payload.runId,
              symbol,
              timeframe,
            );
            if (updateJob) log.info({ symbol, timeframe, updateJob }, 'regime update enqueued');
          },
        });
        log.info(
          { inserted: run.rowsInserted, updated: run.rowsUpdated, rejected: run.rowsRejected },
          'import finished',
        );
        return { inserted: run.rowsInserted, updated: run.rowsUpdated, rejected: run.rowsRejected };
      },
    },
    connection,
    { concurrency: 1 },
  );

  const backfillWorker = createJobWorker(
    {
      'features.backfill': async (payload, job) =>
        backfillFeatures(
          payload,
          {
            repos,
            onAlarm: (alarm) => {
              logger.error({ alarm, jobId: job.id }, 'feature leakage alarm during backfill');
              void publish(channels.leakageAlarm, alarm).catch(() => undefined);
            },
          },
          async (done, total, symbol) => {
            await job.updateProgress({ done, total, symbol });
            await publish(channels.featureBackfillProgress, { jobId: job.id, done, total, symbol }).catch(
              () => undefined,
            );
          },
        ),
    },
    connection,
    { concurrency: config.WORKERS_CONCURRENCY },
  );

  // Fits and updates share one queue, one at a time, so an update never races a fit.
  const regimeWorker = createJobWorker(
    {
      'regime.fit': (payload) => fitRegimeModel(payload, regimeDeps),
      'regime.update': (payload) => updateRegimeHistory(payload, regimeDeps),
    },
    connection,
    { concurrency: 1 },
  );

  const trainingWorker = createJobWorker(
    {
      'training.run': async (payload, job) => {
        const result = await runTrainingJob(payload, job, {
          repos,
          tracking,
          jobs: trainingJobs,
          publishProgress: (p: TrainingProgress) => publish(channels.trainingProgress, p),
        });
        logger.info(
          {
            scope: 'training.run',
            jobId: job.id,
            runId: result.runId,
            timings: result.timings,
            versions: result.versions,
          },
          'training done',
        );
        return result;
      },
    },
    connection,
    { concurrency: config.WORKERS_TRAINING_CONCURRENCY, lockDuration: 5 * 60_000 },
  );

  const workers = [importWorker, backfillWorker, regimeWorker, trainingWorker];
  prepareTrainingThread();
  for (const w of workers) {
    w.on('completed', (job) => jobsTotal.inc({ job: job.name, outcome: 'completed' }));
    w.on('failed', (job, err) => {
      jobsTotal.inc({ job: job?.name ?? 'unknown', outcome: 'failed' });
      logger.error({ jobId: job?.id, job: job?.name, err }, 'job failed');
    });
    w.on('error', (err) => logger.warn({ err }, 'worker connection error'));
  }

  const forensics = processConfig.forensics.FORENSICS_ENABLED
    ? startForensics({ config: processConfig, repos, metrics, log: logger })
    : null;
  // Live bars into `bars`; stored bars nudge the ledger to resolve the outcomes waiting for them.
  const barsStored = new BarsStoredSignal();
  const outcomes = processConfig.outcomes.OUTCOMES_ENABLED
    ? startOutcomes({ config: processConfig, repos, redis: publisher, barsStored, metrics, log: logger })
    : null;

  const barsPersister = processConfig.marketData.MARKET_DATA_PERSISTER_ENABLED
    ? startBarsPersister({ config: processConfig, repos, stored: barsStored, metrics, log: logger })
    : null;

  const rollouts = processConfig.rollouts.ROLLOUT_CONTROLLER_ENABLED
    ? startRolloutController({
        config: processConfig.rollouts,
        repos,
        redis: publisher,
        metrics,
        log: logger,
      })
    : null;

  const metricsServer: Server = createServer(async (req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.contentType });
      res.end(await metrics.metrics());
    } else if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: workers.every((w) => w.isRunning()) }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) =>
    metricsServer.listen(config.WORKERS_METRICS_PORT, '127.0.0.1', resolve),
  );
  const metricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}`;
  logger.info(
    { metricsUrl, queues: ['data-import', 'feature-backfill', 'regime', 'training'] },
    'workers started',
  );

  let stopping: Promise<void> | undefined;
  return {
    metricsUrl,
    workers,
    forensics,
    outcomes,
    barsPersister,
    barsStored,
    rollouts,
    stop() {
      // Stop intake, let in-flight jobs finish, then close connections.
      stopping ??= (async () => {
        await Promise.all([
          ...workers.map((w) => w.close()),
          forensics?.stop(),
          outcomes?.stop(),
          barsPersister?.stop(),
          rollouts?.stop(),
        ]);
        await disposePreparedTrainingThread();
        await regimeUpdates.close();
        await trainingJobs.close();
        await tracking.close();
        await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
        connection.disconnect();
        publisher.disconnect();
        await repos.db.close();
      })();
      return stopping;
    },
  };
}
