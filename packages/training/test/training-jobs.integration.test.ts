// The TrainingJobs service against the real PostgreSQL (instruments, audit log) and Redis
// (the BullMQ queue, cancel flags): every caller — gateway, CLI, workers — goes through it.
import { trainingCancelKey } from '@tradeplane/contracts';
import { openRepositories, type Repositories } from '@tradeplane/db';
import { createQueueConnection, type Redis } from '@tradeplane/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/decision-stack';
import { testEnv } from '../../../test/stack';
import { TrainingJobError, TrainingJobs } from '../src/service';

let repos: Repositories;
let redis: Redis;
let jobs: TrainingJobs;
const started: string[] = [];

beforeAll(async () => {
  repos = openRepositories({ url: await freshDatabase('tradeplane_training_jobs'), poolMax: 2 });
  await repos.instruments.ensure({ symbol: 'SPY', assetClass: 'etf', quoteAsset: 'USD' });
  await repos.instruments.ensure({ symbol: 'AAPL', assetClass: 'equity', quoteAsset: 'USD' });
  redis = createQueueConnection(testEnv.REDIS_QUEUE_URL!);
  jobs = new TrainingJobs({ repos, redis });
});

afterAll(async () => {
  // Nothing this file enqueued may be left for a later file's workers to train.
  for (const id of started) await (await jobs.queue.queue.getJob(id))?.remove().catch(() => undefined);
  await jobs.close();
  redis.disconnect();
  await repos.db.close();
});

async function refusal(input: unknown): Promise<TrainingJobError> {
  const err = await jobs.start(input, 'user:test').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TrainingJobError);
  return err as TrainingJobError;
}

describe('TrainingJobs', () => {
  it('refuses a configuration naming the bad field, and enqueues nothing', async () => {
    const before = await jobs.list(100);
    const invalid = await refusal({ market: 'SPY', seed: -1 });
    expect([invalid.code, invalid.field]).toEqual(['TRAINING_INVALID_CONFIG', 'seed']);
    const unknown = await refusal({ market: 'SPY', universe: ['SPY', 'NOPE'] });
    expect([unknown.code, unknown.field, unknown.message]).toEqual([
      'TRAINING_UNKNOWN_SYMBOL',
      'universe[1]',
      'universe[1]: unknown symbol NOPE',
    ]);
    const reserved = await refusal({ market: 'SPY', modelName: 'bootstrap' });
    expect([reserved.code, reserved.field]).toEqual(['TRAINING_RESERVED_NAME', 'modelName']);
    expect((await jobs.list(100)).length).toBe(before.length);
  });

  it('starts a job with its defaults and an audit row, lists it, and cancels it with another', async () => {
    const job = await jobs.start({ market: 'SPY', universe: ['SPY', 'AAPL'], seed: 7 }, 'user:quant-1');
    started.push(job.id);
    expect(job.state).toBe('waiting');
    expect((await jobs.get(job.id))?.id).toBe(job.id);
    expect((await jobs.list(100)).map((j) => j.id)).toContain(job.id);

    expect(await jobs.cancel(job.id, 'user:quant-2')).toBe(true);
    expect(await jobs.isCancelled(job.id)).toBe(true);
    expect(await jobs.get(job.id)).toBeNull(); // a waiting job is removed outright
    expect(await jobs.cancel(job.id, 'user:quant-2')).toBe(false);
    await redis.del(trainingCancelKey(job.id));

    const audit = (await repos.audit.recent(10)).filter((a) => a.target === job.id);
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['training.cancel', 'user:quant-2'],
      ['training.start', 'user:quant-1'],
    ]);
    expect(audit[1]!.details).toMatchObject({ seed: 7, universe: ['SPY', 'AAPL'] });
  });

  it('answers null and false for an id that is not a training job', async () => {
    expect(await jobs.get('no-such-job')).toBeNull();
    expect(await jobs.cancel('no-such-job', 'user:test')).toBe(false);
    expect(await jobs.isCancelled('no-such-job')).toBe(false);
  });
});
