/**
 * The `training.run` job on the real stack (its own database, real daily data):
 *   - from training to serving: the versions a job registers are what the engine serves once
 *     promoted. A registry as a running engine leaves it (the bootstrap set in production), a
 *     training job on SPY, then the engine's ModelCatalog over registryModelSource: it keeps the
 *     bootstrap set while the trained versions sit at stage `none`, loads them when they are
 *     moved to production, labels them with the set's name, and its decision on a real feature
 *     row is the training code's forward pass;
 *   - a cancel while the specialists train ends the job within a fraction of a second, with the
 *     tracking run killed and nothing registered.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { featureNames, trainingPayload, type TrainingProgress } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import { ModelCatalog } from '@tradeplane/engine';
import {
  advisoryLock,
  BOOTSTRAP_LABEL,
  BOOTSTRAP_LOCK_KEY,
  bootstrapModelSet,
  bootstrapModelSetInput,
  DECISION_MODEL_NAMES,
  ensureBootstrapModels,
  ModelSet,
  registryModelSource,
} from '@tradeplane/models';
import { createLogger, loadConfig } from '@tradeplane/platform';
import {
  computeFeatureSeries,
  metaControllerForward,
  specialistForward,
  type LinearTanhParams,
  type MetaControllerWeights,
} from '@tradeplane/quant';
import {
  LocalDirectoryArtifactStore,
  trackingClient,
  trackingConfigSchema,
  type TrackingClient,
} from '@tradeplane/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, importDaily, openRepos } from '../../../test/decision-stack';
import { testEnv } from '../../../test/stack';
import { TrainingCancelledError, trainModelSetJob } from '../src';

const SET = 'serving-test-set';
// A quick run: seconds, not minutes.
const SHORT_RUN = {
  market: 'SPY',
  experiment: 'training-job-test',
  regimeRestarts: 1,
  splits: {
    trainFrom: '1996-01-01',
    trainTo: '2005-12-31',
    validationFrom: '2006-01-01',
    validationTo: '2010-12-31',
    testFrom: '2011-01-01',
    testTo: '2013-12-31',
  },
};
const log = createLogger('training-job-test', 'silent');
const PM = { by: 'pm@training.test', auditActor: 'user:training-job-test' };
let repos: Repositories;
let dir: string;
let env: Record<string, string>;
let tracking: TrackingClient;

const openTracking = (writer: string) =>
  trackingClient({
    config: loadConfig(trackingConfigSchema, env),
    repository: repos.tracking,
    writer,
    owner: 'test',
  });

beforeAll(async () => {
  repos = openRepos(await freshDatabase('tradeplane_test_training_job'));
  await importDaily(repos, ['daily/spy_prices.csv', 'daily/stock_prices.csv']);
  dir = await mkdtemp(path.join(tmpdir(), 'tp-training-job-'));
  env = {
    ...testEnv,
    TRACKING_ARTIFACT_DIR: path.join(dir, 'artifacts'),
    TRACKING_SPOOL_DIR: path.join(dir, 'spool'),
  };
  tracking = await openTracking('training-job-test');
  // What an engine does on a fresh registry: version 1 of every name, in production.
  await ensureBootstrapModels({
    registry: repos.registry,
    openTracking: () => openTracking('training-job-bootstrap'),
    withLock: advisoryLock(repos.db.pool, BOOTSTRAP_LOCK_KEY),
    log,
  });
});

afterAll(async () => {
  await tracking?.close();
  await repos?.db.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** SPY's point-in-time feature row (contract order, null → 0, float32 as the engine feeds it) on `date`. */
async function spyFeatureRow(date: string): Promise<Float32Array> {
  const spy = (await repos.instruments.findBySymbol('SPY'))!;
  const bars = await repos.bars.loadColumns(spy.id, '1d');
  const i = Array.from(bars.ts).findIndex((t) => new Date(t).toISOString().startsWith(date));
  expect(i).toBeGreaterThan(0);
  const series = computeFeatureSeries(bars);
  return Float32Array.from(featureNames, (name) => {
    const v = series[name][i]!;
    return Number.isFinite(v) ? v : 0;
  });
}

describe('a trained model set in the engine', () => {
  it('is registered under the served names and, once in production, is what the catalog decides with', async () => {
    const payload = trainingPayload.parse({ ...SHORT_RUN, universe: ['SPY'], seed: 11, modelName: SET });
    const createdAt = Date.now();
    const result = await trainModelSetJob(
      payload,
      { jobId: `serving-${createdAt}`, createdAt, finalAttempt: true },
      { repos, tracking, onProgress: () => undefined, isCancelled: async () => false },
    );
    // Version 2 of each engine name (1 is the bootstrap set), at stage none, with its signature.
    expect(result.versions.map((v) => [v.modelName, v.version])).toEqual(
      DECISION_MODEL_NAMES.map((name) => [name, 2]),
    );
    expect(result).toMatchObject({ modelName: 'meta-controller', modelVersion: 2, modelSet: SET });
    for (const name of DECISION_MODEL_NAMES) {
      const v = (await repos.registry.getVersion(name, 2))!;
      expect(v).toMatchObject({ stage: 'none', runId: result.runId });
      expect(v.signature.inputs.length).toBeGreaterThan(0);
      expect(v.metrics.parity_error).toBeLessThan(1e-5);
      expect(v.description).toContain(SET);
    }

    const artifacts = new LocalDirectoryArtifactStore(env.TRACKING_ARTIFACT_DIR!);
    const catalog = new ModelCatalog(
      registryModelSource(repos, artifacts),
      { sessions: { executionProviders: ['cpu'] }, graceMs: 10, defaultCanaryPercent: 5 },
      () => Date.now(),
      log,
    );
    const bootstrap = ModelSet.create(bootstrapModelSetInput(bootstrapModelSet()), {
      executionProviders: ['cpu'],
    });
    try {
      // Registered is not served: the bootstrap set stays in production.
      await catalog.init();
      expect(catalog.active.source).toBe('registry');
      expect(catalog.active.production.versions).toEqual(
        Object.fromEntries(DECISION_MODEL_NAMES.map((n) => [n, 1])),
      );

      for (const v of result.versions)
        await repos.registry.moveStage(
          { modelName: v.modelName, version: v.version, to: 'production', reason: 'serving test' },
          PM,
        );
      expect(await catalog.sync()).toBe(true);
      const production = catalog.active.production;
      expect(production.versions).toEqual(Object.fromEntries(DECISION_MODEL_NAMES.map((n) => [n, 2])));
      expect(production.labels).toEqual(Object.fromEntries(DECISION_MODEL_NAMES.map((n) => [n, SET])));
      expect(catalog.health()).toContain('meta-controller@2');
      expect(catalog.health()).not.toContain(`(${BOOTSTRAP_LABEL})`);

      // The decision on a real row of the test window is the training code's forward pass.
      const row = await spyFeatureRow('2013-06-03');
      const regime = Float32Array.of(0.6, 0.3, 0.1);
      const decision = production.set.decide(row, regime);
      const stored = await repos.runQueries.artifacts(result.runId);
      const paramsFile = stored.find((a) => a.path === 'model/training-params.json')!;
      const trained = JSON.parse(new TextDecoder().decode(await artifacts.get(paramsFile.sha256))) as {
        specialists: Array<{ name: string; params: LinearTanhParams }>;
        metaController: { params: MetaControllerWeights };
      };
      expect(trained.specialists.map((s) => s.name)).toEqual(production.set.specialistNames);
      trained.specialists.forEach((s, k) =>
        expect(decision.signals[k]).toBeCloseTo(specialistForward(s.params, row), 5),
      );
      const weights = metaControllerForward(trained.metaController.params, regime, row);
      weights.forEach((w, k) => expect(decision.weights[k]).toBeCloseTo(w, 5));
      const blend = weights.reduce((sum, w, k) => sum + w * decision.signals[k]!, 0);
      expect(decision.blend).toBeCloseTo(blend, 5);
      expect(decision.weightsCheck.fixed).toBe(false);
      // …and not what the bootstrap set would have decided.
      const before = bootstrap.decide(row, regime);
      const moved = Array.from(decision.signals, (s, k) => Math.abs(s - before.signals[k]!));
      expect(Math.max(...moved)).toBeGreaterThan(1e-3);
    } finally {
      catalog.stop();
      bootstrap.dispose();
    }
  });
});

describe('cancelling a training job', () => {
  it('stops it mid-training within a fraction of a second: run killed, nothing registered', async () => {
    // Eight stocks: the specialists train for about a second, so the cancel lands among their epochs.
    const universe = ['AAPL', 'XOM', 'JPM', 'GE', 'WMT', 'PFE', 'BAC', 'T'];
    const payload = trainingPayload.parse({ ...SHORT_RUN, universe, seed: 12, modelName: 'cancel-test-set' });
    const createdAt = Date.now();
    const jobId = `cancel-${createdAt}`;
    const progress: TrainingProgress[] = [];
    let cancelledAt = 0;
    const job = trainModelSetJob(
      payload,
      { jobId, createdAt, finalAttempt: false },
      {
        repos,
        tracking,
        cancelPollMs: 50,
        // The user cancels as soon as the console shows the first epoch of a specialist.
        onProgress: (p) => {
          progress.push(p);
          if (!cancelledAt && p.stage === 'specialists' && p.epoch !== null) cancelledAt = performance.now();
        },
        isCancelled: async () => cancelledAt > 0,
      },
    );
    await expect(job).rejects.toBeInstanceOf(TrainingCancelledError);
    const endedAfterMs = performance.now() - cancelledAt;

    expect(cancelledAt).toBeGreaterThan(0);
    expect(endedAfterMs).toBeLessThan(500);
    const stages = progress.map((p) => p.stage);
    expect(stages.at(-1)).toBe('cancelled');
    // Stopped among the specialists' epochs: the meta-controller never started.
    expect(stages).not.toContain('meta-controller');
    expect(stages).not.toContain('backtest');
    const runId = progress[0]!.runId!;
    expect(await repos.runQueries.getRun(runId)).toMatchObject({ status: 'killed' });
    expect(await repos.registry.versionsByRun(runId)).toEqual([]);
  });
});
