/**
 * The producer of `regime.update`: a data import through the workers that brings new bars of a
 * series with a stored regime model enqueues the update, and the update filters the new bars
 * on from the model's last stored point.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Repositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import { createLogger, createQueueConnection, JobQueue } from '@tradeplane/platform';
import { forwardFilter, regimeObservations, regimeProbabilities } from '@tradeplane/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decisionEnv,
  freshDatabase,
  openRepos,
  removeDecisionEnv,
  waitFor,
} from '../../../test/decision-stack';
import { HAND_SET_HMM, HAND_SET_HMM_LABELS, storeHandSetRegimeModel } from '../../../test/regime-fixture';
import { sharedData, testEnv } from '../../../test/stack';
import { loadWorkersConfig } from '../src/config';
import { startWorkers, type RunningWorkers } from '../src/workers';

/** The stored bars end here; the import brings the rest of 2019. */
const CUTOFF = '2019-06-28';
const PARAMS = HAND_SET_HMM;
const LABELS = HAND_SET_HMM_LABELS;

const connection = createQueueConnection(testEnv.REDIS_QUEUE_URL!);
let repos: Repositories;
let env: Record<string, string>;
let workers: RunningWorkers;
let dir: string;
let version: string;

beforeAll(async () => {
  const url = await freshDatabase('tradeplane_test_regime_update');
  repos = openRepos(url);
  env = await decisionEnv(url, `unused-${randomUUID()}`, { WORKERS_METRICS_PORT: '0' });

  // SPY up to the cut-off, with a regime model filtered over exactly those bars.
  dir = await mkdtemp(path.join(tmpdir(), 'tp-regime-update-'));
  const csv = await readFile(path.join(sharedData, 'daily/spy_prices.csv'), 'utf8');
  const [header, ...lines] = csv.trim().split('\n');
  await writeFile(
    path.join(dir, 'spy_prices.csv'),
    [header, ...lines.filter((l) => l.slice(0, 10) <= CUTOFF)].join('\n') + '\n',
  );
  const partial = path.join(dir, 'spy_prices.csv');
  await runIngestion(repos, (await repos.ingestionRuns.create(partial, null)).id, partial);
  ({ version } = await storeHandSetRegimeModel(repos, 'SPY'));

  workers = await startWorkers(loadWorkersConfig(env), createLogger('workers-test', 'silent'));
}, 180_000);

afterAll(async () => {
  await workers?.stop();
  connection.disconnect();
  await repos?.db.close();
  await removeDecisionEnv(env);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('regime.update after a data import', () => {
  it('is enqueued for the imported series with a regime model, and extends its history to the new bars', async () => {
    const full = path.join(sharedData, 'daily/spy_prices.csv');
    const run = await repos.ingestionRuns.create(full, null);
    const imports = new JobQueue('data.import', connection);
    const updates = new JobQueue('regime.update', connection);
    try {
      await imports.enqueue({ runId: run.id, path: full });
      const jobId = `regime-update.${run.id}.SPY.1d`;
      const job = await waitFor(
        async () => {
          const j = await updates.queue.getJob(jobId);
          return j?.finishedOn ? j : null;
        },
        60_000,
        100,
      );
      expect(job.failedReason).toBeUndefined();
      expect(job.data).toEqual({ symbol: 'SPY', timeframe: '1d' });

      // Every bar after the cut-off, filtered on from the stored state: the same as filtering the
      // whole series at once (the filter is causal).
      const spy = (await repos.instruments.findBySymbol('SPY'))!;
      const bars = await repos.bars.loadColumns(spy.id, '1d');
      const added = Array.from(bars.ts).filter((t) => t > Date.parse(`${CUTOFF}T23:59:59Z`)).length;
      expect(added).toBeGreaterThan(100);
      expect(job.returnvalue).toMatchObject({ appended: added });
      const last = (await repos.regimes.lastPoint(version))!;
      expect(last.ts).toBe(bars.ts.at(-1));
      const whole = regimeProbabilities(forwardFilter(regimeObservations(bars.close, 20).obs, PARAMS), [
        ...LABELS,
      ]).at(-1)!;
      expect(last.bull).toBeCloseTo(whole.bull, 8);
      expect(last.bear).toBeCloseTo(whole.bear, 8);
    } finally {
      await imports.close();
      await updates.close();
    }
  });
});
