import path from 'node:path';
import { openRepositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import { createLogger, hashPassword, loadConfig } from '@tradeplane/platform';
import { trackingClient, trackingConfigSchema } from '@tradeplane/tracking';
import { trainModelSetJob } from '@tradeplane/training';
import { trainingPayload } from '@tradeplane/contracts';
import { QueueEvents } from 'bullmq';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sharedData, testEnv } from '../../../test/stack';
import { startWorkersProcess, type RunningProcess } from '../../../test/processes';
import { loadGatewayConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';

const silent = () => createLogger('test', 'silent');
const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 2 });
const ADMIN = { email: 'admin@tradeplane.local', password: 'admin-password-for-tests' };
const VIEWER = { email: 'viewer@training.test', password: 'viewer-password' };
const MODEL = 'test-training-blend';
const ENGINE_NAMES = ['momentum', 'mean-reversion', 'defensive', 'meta-controller'];
// A short SPY-only run: seconds, not minutes.
const CONFIG = {
  market: 'SPY',
  universe: ['SPY'],
  seed: 7,
  modelName: MODEL,
  experiment: 'training-test',
  splits: {
    trainFrom: '1996-01-01',
    trainTo: '2005-12-31',
    validationFrom: '2006-01-01',
    validationTo: '2010-12-31',
    testFrom: '2011-01-01',
    testTo: '2013-12-31',
  },
};
let workers: RunningProcess;
let gateway: RunningGateway;

/** A GraphQL WebSocket client signed in as the admin. */
function progressClient() {
  return createClient({
    url: `${gateway.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { cookie: admin.cookie } });
      }
    },
  });
}

function session() {
  let cookie = '';
  return {
    get cookie() {
      return cookie;
    },
    async gql(
      query: string,
      variables: Record<string, unknown> = {},
    ): Promise<{ data?: any; errors?: any[] }> {
      const res = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0]!;
      return (await res.json()) as { data?: any; errors?: any[] };
    },
  };
}
const admin = session();
const viewer = session();

async function waitForJob(jobId: string) {
  const queue = gateway.services.training.queue.queue;
  const events = new QueueEvents('training', { connection: gateway.services.redisQueue.duplicate() });
  try {
    return await (await queue.getJob(jobId))!.waitUntilFinished(events, 120_000);
  } finally {
    await events.close();
  }
}

const START = `mutation($c:TrainingConfigInput){ startTraining(config:$c){ id state } }`;

beforeAll(async () => {
  const spy = path.join(sharedData, 'daily/spy_prices.csv');
  await runIngestion(repos, (await repos.ingestionRuns.create(spy, null)).id, spy);
  await repos.db.pool.query('DELETE FROM users WHERE email = $1', [VIEWER.email]);
  await repos.users.create(VIEWER.email, await hashPassword(VIEWER.password), 'viewer');
  workers = await startWorkersProcess(testEnv);
  gateway = await startGateway(
    loadGatewayConfig({
      ...testEnv,
      GATEWAY_PORT: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    }),
    silent(),
  );
  for (const [s, u] of [
    [admin, ADMIN],
    [viewer, VIEWER],
  ] as const) {
    const login = await s.gql('mutation($e:String!,$p:String!){ login(email:$e,password:$p){ id } }', {
      e: u.email,
      p: u.password,
    });
    expect(login.errors).toBeUndefined();
  }
});

afterAll(async () => {
  await gateway?.stop();
  await workers?.stop();
  await repos.db.close();
});

describe('training', () => {
  it('trains on the workers with live progress, logs the run with 4 ONNX models and registers versions', async () => {
    const ws = progressClient();
    const stages: string[] = [];
    const epochs: any[] = [];
    const unsubscribe = ws.subscribe(
      { query: 'subscription{ trainingProgress{ jobId stage fraction epoch message metrics runId at } }' },
      {
        next: (m: any) => {
          const p = m.data?.trainingProgress;
          stages.push(p?.stage);
          if (p?.epoch != null) epochs.push(p);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await new Promise((r) => setTimeout(r, 300));

    const started = await admin.gql(START, { c: CONFIG });
    expect(started.errors).toBeUndefined();
    const jobId = started.data.startTraining.id;
    const result = (await waitForJob(jobId)) as { runId: string; test: any };
    // The bootstrap set is backtested on the same window, beside the run's own strategies.
    expect(Object.keys(result.test).sort()).toEqual(
      ['blend', 'bootstrap', 'buy-and-hold', 'defensive', 'mean-reversion', 'momentum'].sort(),
    );
    expect(Number.isFinite(result.test.bootstrap.sharpe)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    unsubscribe();
    await ws.dispose();
    expect(stages).toEqual(
      expect.arrayContaining(['data', 'regime', 'specialists', 'meta-controller', 'export', 'done']),
    );
    // Epochs are reported while each model trains, with its losses.
    expect(epochs.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^momentum: epoch \d+$/), 'meta-controller: epoch 0']),
    );
    expect(epochs.find((p) => p.message === 'momentum: epoch 0').metrics).toHaveProperty('momentum/val_loss');

    const status = await admin.gql(
      `query($id:ID!){ trainingJob(id:$id){ state failedReason runId modelName modelVersion modelSet
        versions{ modelName version } progress{ stage fraction } } }`,
      { id: jobId },
    );
    expect(status.data.trainingJob).toMatchObject({
      state: 'completed',
      failedReason: null,
      runId: result.runId,
      modelName: 'meta-controller',
      modelSet: MODEL,
      progress: { stage: 'done', fraction: 1 },
    });
    expect(status.data.trainingJob.versions.map((v: any) => v.modelName)).toEqual(ENGINE_NAMES);

    const run = await admin.gql(
      `query($id:ID!){ run(id:$id){ status experimentName latestMetrics{ key value } metricKeys
        artifacts{ path contentType } modelVersions{ modelName version stage signature{ inputs{ name shape } outputs{ name shape } } metrics } } }`,
      { id: result.runId },
    );
    expect(run.errors).toBeUndefined();
    const r = run.data.run;
    expect(r).toMatchObject({ status: 'finished', experimentName: 'training-test' });
    // The set's name is the run's label: what the engine shows for these versions.
    expect((await repos.runQueries.getRun(result.runId))!.tags).toMatchObject({
      label: MODEL,
      modelSet: MODEL,
    });
    expect(r.metricKeys).toEqual(
      expect.arrayContaining([
        'momentum/train_loss',
        'momentum/val_loss',
        'meta-controller/val_loss',
        'test/blend/sharpe',
        'test/buy-and-hold/sharpe',
        'test/bootstrap/sharpe',
        'test/blend_minus_bootstrap/sharpe',
        'time/io_ms',
        'time/io/query_ms',
      ]),
    );
    expect(
      r.artifacts
        .filter((a: any) => a.path.endsWith('.onnx'))
        .map((a: any) => a.path)
        .sort(),
    ).toEqual([
      'model/defensive.onnx',
      'model/mean-reversion.onnx',
      'model/meta-controller.onnx',
      'model/momentum.onnx',
    ]);
    // Registered under the names the engine serves, not under the set's name.
    expect(r.modelVersions.map((v: any) => v.modelName).sort()).toEqual([...ENGINE_NAMES].sort());
    for (const v of r.modelVersions) {
      expect(v.stage).toBe('none');
      expect(v.signature.inputs.length).toBeGreaterThan(0);
      expect(v.metrics.parity_error).toBeLessThan(1e-5);
    }
    const meta = r.modelVersions.find((v: any) => v.modelName === 'meta-controller');
    expect(meta.metrics).toHaveProperty('test_bootstrap_sharpe');
    expect(meta.signature.outputs[0]).toMatchObject({ name: 'weights', shape: [null, 3] });

    // Same configuration and seed → identical test-window metrics.
    const again = await admin.gql(START, { c: CONFIG });
    const second = (await waitForJob(again.data.startTraining.id)) as { runId: string; test: any };
    expect(second.runId).not.toBe(result.runId);
    expect(second.test).toEqual(result.test);
  });

  it('names the bad configuration field', async () => {
    const bad = await admin.gql(START, {
      c: { ...CONFIG, splits: { ...CONFIG.splits, testFrom: '2010-06-01' } },
    });
    expect(bad.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'config.splits.testFrom',
    });
    const unknown = await admin.gql(START, { c: { ...CONFIG, universe: ['SPY', 'NOPE'] } });
    expect(unknown.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'config.universe[1]',
    });
  });

  it('refuses a viewer', async () => {
    const denied = await viewer.gql(START, { c: CONFIG });
    expect(denied.errors![0].extensions.code).toBe('FORBIDDEN');
    expect((await viewer.gql('mutation{ cancelTraining(id:"1") }')).errors![0].extensions.code).toBe(
      'FORBIDDEN',
    );
  });

  it('cancels a job: removed while waiting, stopped at the next stage check once running', async () => {
    const started = await admin.gql(START, { c: CONFIG });
    const id = started.data.startTraining.id;
    expect((await admin.gql('mutation($id:ID!){ cancelTraining(id:$id) }', { id })).data.cancelTraining).toBe(
      true,
    );
    const job = await gateway.services.training.queue.queue.getJob(id);
    if (job) {
      let state = await job.getState();
      for (let i = 0; i < 150 && state !== 'failed' && state !== 'completed'; i++) {
        await new Promise((r) => setTimeout(r, 200));
        state = await job.getState();
      }
      const status = await admin.gql(
        'query($id:ID!){ trainingJob(id:$id){ state failedReason progress{ stage } } }',
        { id },
      );
      expect(status.data.trainingJob).toMatchObject({ state: 'failed', progress: { stage: 'cancelled' } });
      expect(status.data.trainingJob.failedReason).toMatch(/cancelled/);
    }
  });

  it('cancels a job once it trains: it ends cancelled within two seconds, before export', async () => {
    // The default 1994–2018 windows: the longest SPY run. The workers read the flag every 500 ms
    // while the thread trains (packages/training/test/training-job.integration.test.ts cancels
    // mid-epoch) and between stages after it.
    const config = { ...CONFIG, splits: undefined, modelName: `${MODEL}-cancel` };
    const ws = progressClient();
    const seen: Array<{ jobId: string; stage: string }> = [];
    let training: (() => void) | null = null;
    const started = new Promise<void>((resolve) => (training = resolve));
    const unsubscribe = ws.subscribe(
      { query: 'subscription{ trainingProgress{ jobId stage } }' },
      {
        next: (m: any) => {
          seen.push(m.data.trainingProgress);
          if (m.data.trainingProgress.stage === 'regime') training?.();
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      await new Promise((r) => setTimeout(r, 300));
      const id = (await admin.gql(START, { c: config })).data.startTraining.id;
      await started;
      const cancelledAt = Date.now();
      expect(
        (await admin.gql('mutation($id:ID!){ cancelTraining(id:$id) }', { id })).data.cancelTraining,
      ).toBe(true);
      const job = (await gateway.services.training.queue.queue.getJob(id))!;
      let state = await job.getState();
      while (state !== 'failed' && state !== 'completed' && Date.now() - cancelledAt < 10_000) {
        await new Promise((r) => setTimeout(r, 20));
        state = await job.getState();
      }
      expect(state).toBe('failed');
      expect(Date.now() - cancelledAt).toBeLessThan(2_000);
      const status = await admin.gql(
        'query($id:ID!){ trainingJob(id:$id){ failedReason progress{ stage } } }',
        {
          id,
        },
      );
      expect(status.data.trainingJob).toMatchObject({ progress: { stage: 'cancelled' } });
      expect(status.data.trainingJob.failedReason).toMatch(/cancelled/);
      const stages = seen.filter((p) => p.jobId === id).map((p) => p.stage);
      expect(stages).not.toContain('export');
      expect(stages.at(-1)).toBe('cancelled');
    } finally {
      unsubscribe();
      await ws.dispose();
    }
  });

  it('a retried attempt writes to the same run and duplicates no metric, artifact or version', async () => {
    const tracking = await trackingClient({
      config: loadConfig(trackingConfigSchema, testEnv),
      repository: repos.tracking,
      writer: `training-retry-test-${process.pid}`,
      owner: 'test',
    });
    try {
      const payload = trainingPayload.parse({ ...CONFIG, modelName: `${MODEL}-retry` });
      const ctx = { jobId: `retry-${Date.now()}`, createdAt: Date.now(), finalAttempt: false };
      const deps = { repos, tracking, onProgress: () => undefined, isCancelled: async () => false };
      const count = async (runId: string) => {
        const q = async (sql: string) => Number((await repos.db.pool.query(sql, [runId])).rows[0].n);
        return {
          metrics: await q('SELECT count(*) AS n FROM metric_points WHERE run_id = $1'),
          artifacts: await q('SELECT count(*) AS n FROM artifacts WHERE run_id = $1'),
          versions: await q('SELECT count(*) AS n FROM model_versions WHERE run_id = $1'),
        };
      };
      const first = await trainModelSetJob(payload, ctx, deps);
      const before = await count(first.runId);
      const second = await trainModelSetJob(payload, { ...ctx, finalAttempt: true }, deps);
      expect(second.runId).toBe(first.runId);
      expect(second.versions).toEqual(first.versions);
      expect(await count(first.runId)).toEqual(before);
      expect(before.artifacts).toBe(5);
      expect(before.versions).toBe(4);
    } finally {
      await tracking.close();
    }
  });
});
