import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { userInfo } from 'node:os';
import {
  channels,
  trainingProgressSchema,
  type TrainingPayload,
  type TrainingProgress,
} from '@tradeplane/contracts';
import { openRepositories } from '@tradeplane/db';
import { createLogger, createQueueConnection } from '@tradeplane/platform';
import { trackingClient } from '@tradeplane/tracking';
import { trainModelSetJob, TrainingJobError, TrainingJobs } from '@tradeplane/training';
import { QueueEvents } from 'bullmq';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { CliConfig } from '../config';
import { CliInputError } from './price-file';

/** Reads a --config JSON file (TrainingJobs validates it). */
async function readTrainingConfig(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new CliInputError(`--config: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** The configuration checked as the gateway checks it; the error names the file and the field. */
async function validConfig(jobs: TrainingJobs, file: string, raw: unknown): Promise<TrainingPayload> {
  try {
    return await jobs.validate(raw);
  } catch (err) {
    if (err instanceof TrainingJobError)
      throw new CliInputError(`--config ${path.basename(file)}: ${err.message}`);
    throw err;
  }
}

/** Who started it, for the audit row: the operating-system user running the CLI. */
const cliActor = () => `cli:${userInfo().username}`;

function progressBar(enabled: boolean) {
  if (!enabled) return { update: (_: TrainingProgress) => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: 'training [{bar}] {percentage}% | {stage} {message}',
    stream: process.stderr,
    hideCursor: true,
  });
  return {
    update(p: TrainingProgress) {
      const fields = { stage: p.stage, message: p.message ?? '' };
      if (!bar.isActive) bar.start(100, 0, fields);
      bar.update(Math.round(p.fraction * 100), fields);
    },
    stop: () => bar.stop(),
  };
}

export function registerTraining(program: Command, cliConfig: CliConfig): void {
  program
    .command('train')
    .description(
      'Train the model set (regime, specialists, meta-controller), export to ONNX with a parity check, backtest,\n' +
        'log to tracking and register the versions (stage none). Enqueues on the workers unless --in-process.',
    )
    .requiredOption('--config <file>', 'JSON training configuration (GraphQL TrainingConfigInput fields)')
    .option('--wait', 'wait for the workers to finish, with a progress bar')
    .option('--in-process', 'run the job here instead of on the workers')
    .option('--json', 'print only the result as JSON (no progress bar)')
    .addHelpText(
      'after',
      '\nExample config:\n  {"universe":["SPY"],"seed":42,"splits":{"trainFrom":"1994-01-01","trainTo":"2005-12-31",' +
        '"validationFrom":"2006-01-01","validationTo":"2011-12-31","testFrom":"2012-01-01","testTo":"2018-12-31"}}',
    )
    .action(async (opts: { config: string; wait?: boolean; inProcess?: boolean; json?: boolean }) => {
      const raw = await readTrainingConfig(opts.config);
      const repos = openRepositories({ url: cliConfig.db.DATABASE_URL, poolMax: 4 });
      const redis = createQueueConnection(cliConfig.redis.REDIS_QUEUE_URL);
      redis.on('error', () => undefined);
      const jobs = new TrainingJobs({ repos, redis });
      const bar = progressBar(!opts.json && process.stderr.isTTY);
      try {
        const payload = await validConfig(jobs, opts.config, raw);
        if (opts.inProcess) {
          const logger = createLogger('cli', 'warn');
          const tracking = await trackingClient({
            config: cliConfig.tracking,
            repository: repos.tracking,
            writer: `cli-train-${process.pid}`,
            owner: 'cli:train',
            logger,
          });
          try {
            const createdAt = Date.now();
            const jobId = `cli-${createdAt}-${process.pid}`;
            await jobs.auditStart(cliActor(), jobId, payload);
            const result = await trainModelSetJob(
              payload,
              { jobId, createdAt, finalAttempt: true },
              { repos, tracking, onProgress: (p) => bar.update(p), isCancelled: async () => false },
            );
            bar.stop();
            console.log(JSON.stringify({ status: 'done', ...result }));
          } finally {
            await tracking.close();
          }
          return;
        }
        const jobId = (await jobs.start(payload, cliActor())).id;
        if (!opts.wait) return console.log(JSON.stringify({ jobId, status: 'queued' }));
        const sub = redis.duplicate();
        sub.on('error', () => undefined);
        await sub.subscribe(channels.trainingProgress);
        sub.on('message', (_channel, message) => {
          const p = trainingProgressSchema.safeParse(JSON.parse(message));
          if (p.success && p.data.jobId === jobId) bar.update(p.data);
        });
        // BullMQ leaves a connection it was handed open on close(): this one is closed below,
        // or the process would never exit after printing the result.
        const eventsConnection = redis.duplicate();
        const events = new QueueEvents(jobs.queue.queue.name, { connection: eventsConnection });
        try {
          const result = await (await jobs.queue.queue.getJob(jobId))!.waitUntilFinished(events, 60 * 60_000);
          bar.stop();
          console.log(JSON.stringify({ jobId, status: 'done', ...result }));
        } finally {
          await events.close();
          eventsConnection.disconnect();
          sub.disconnect();
        }
      } finally {
        bar.stop();
        await jobs.close();
        redis.disconnect();
        await repos.db.close();
      }
    });
}
