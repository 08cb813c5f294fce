import { randomBytes, randomUUID } from 'node:crypto';
import { channels, type RunMetricsEvent, type RunStatusEvent } from '@tradeplane/contracts';
import { openRepositories } from '@tradeplane/db';
import { createLogger, hashPassword } from '@tradeplane/platform';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testEnv } from '../../../test/stack';
import { loadGatewayConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';
import { graphqlBrowser, type GqlResult } from './graphql-browser';

const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 4 });
const ADMIN = { email: 'admin@tradeplane.local', password: 'admin-password-for-tests' };
const PREFIX = 'it-tracking-';
const SUFFIX = randomBytes(3).toString('hex');
const USERS = {
  quant: 'quant@tracking.test',
  pm: 'pm@tracking.test',
  viewer: 'viewer@tracking.test',
} as const;
const PASSWORD = 'tracking-password';
const T0 = Date.UTC(2025, 5, 1);
const SIGNATURE = {
  inputs: [{ name: 'features', type: 'float32', shape: [-1, 30] }],
  outputs: [{ name: 'probabilities', type: 'float32', shape: [-1, 3] }],
};

let gateway: RunningGateway;

const browser = () => graphqlBrowser(() => gateway.url);
type Browser = ReturnType<typeof browser>;

async function signedIn(email: string) {
  const b = browser();
  const r = await b.gql('mutation($e:String!,$p:String!){ login(email:$e,password:$p){ id } }', {
    e: email,
    p: PASSWORD,
  });
  expect(r.errors).toBeUndefined();
  return b;
}

function wsClient(cookie: string): Client {
  return createClient({
    url: gateway.url.replace('http', 'ws') + '/graphql',
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie } });
      }
    },
  });
}

const errorOf = (r: GqlResult) => r.errors?.[0]?.extensions;

// ---- seed: one sweep of 30 runs, one experiment with a long run and nested runs ----

interface SeededRun {
  id: string;
  name: string;
  startedAt: number;
  params: { lr: number; layers: number; optimizer: string };
  tags: { team: string };
  sharpe: number | null;
  loss: number;
}

const sweep: SeededRun[] = [];
let sweepId = '';
let otherId = '';
let longRunId = '';
let parentRunId = '';
const childIds: string[] = [];

async function cleanUp() {
  await repos.db.pool.query(
    `DELETE FROM metric_segments WHERE run_id IN (SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id
     WHERE e.name LIKE $1)`,
    [`${PREFIX}%`],
  );
  await repos.db.pool.query('DELETE FROM experiments WHERE name LIKE $1', [`${PREFIX}%`]);
  await repos.db.pool.query('DELETE FROM registered_models WHERE name LIKE $1', [`${PREFIX}%`]);
}

async function logMetric(runId: string, key: string, points: Array<{ step: number; value: number }>) {
  for (let i = 0; i < points.length; i += 10_000) {
    await repos.tracking.insertMetricBatch({
      runId,
      idempotencyKey: randomUUID(),
      points: points.slice(i, i + 10_000).map((p) => ({ key, ...p, ts: T0 + p.step * 1000 })),
    });
  }
}

async function seed() {
  const sweepName = `${PREFIX}${SUFFIX}-sweep`;
  for (let i = 0; i < 30; i++) {
    const run: SeededRun = {
      id: randomUUID(),
      name: `trial-${String(i).padStart(2, '0')}`,
      // Groups of three share a start time: ties the cursor must break by id.
      startedAt: T0 + Math.floor(i / 3) * 60_000,
      params: { lr: [0.1, 0.01, 0.001][i % 3]!, layers: (i % 4) + 1, optimizer: i % 2 ? 'sgd' : 'adam' },
      tags: { team: i % 3 === 0 ? 'alpha' : 'beta' },
      // Ties (i % 7), and every fifth run never logs sharpe (sorted last).
      sharpe: i % 5 === 0 ? null : (i % 7) * 0.25,
      loss: 1 / 5 + i * 0.01,
    };
    sweep.push(run);
    const { experimentId } = await repos.tracking.startRun({
      runId: run.id,
      experiment: sweepName,
      name: run.name,
      owner: 'it',
      startedAt: run.startedAt,
      params: run.params,
      tags: run.tags,
    });
    sweepId = experimentId;
    await logMetric(
      run.id,
      'loss',
      [0, 1, 2, 3, 4].map((s) => ({ step: s, value: 1 / (s + 1) + i * 0.01 })),
    );
    if (run.sharpe !== null) await logMetric(run.id, 'val/sharpe', [{ step: 4, value: run.sharpe }]);
    if (i < 29)
      await repos.tracking.endRun({
        runId: run.id,
        status: i % 4 === 0 ? 'failed' : 'finished',
        endedAt: run.startedAt + 30_000,
      });
  }
  await repos.tracking.recordArtifact({
    id: randomUUID(),
    runId: sweep[1]!.id,
    path: 'models/trend.onnx',
    sha256: 'a'.repeat(64),
    size: 1234,
    contentType: 'application/onnx',
  });

  const otherName = `${PREFIX}${SUFFIX}-other`;
  longRunId = randomUUID();
  ({ experimentId: otherId } = await repos.tracking.startRun({
    runId: longRunId,
    experiment: otherName,
    name: 'long',
    owner: 'it',
    startedAt: T0,
  }));
  // A noisy decaying curve with one spike that downsampling must keep.
  await logMetric(
    longRunId,
    'loss',
    Array.from({ length: 20_000 }, (_, s) => ({
      step: s,
      value: s === 12_345 ? 50 : Math.exp(-s / 5000) + 0.01 * Math.sin(s),
    })),
  );
  parentRunId = randomUUID();
  await repos.tracking.startRun({
    runId: parentRunId,
    experiment: otherName,
    name: 'parent',
    owner: 'it',
    startedAt: T0 + 1,
  });
  for (let c = 0; c < 2; c++) {
    childIds.push(randomUUID());
    await repos.tracking.startRun({
      runId: childIds[c]!,
      experiment: otherName,
      name: `child-${c}`,
      owner: 'it',
      startedAt: T0 + 2 + c,
      parentRunId,
    });
  }
}

beforeAll(async () => {
  await cleanUp();
  await repos.db.pool.query('DELETE FROM users WHERE email = ANY($1)', [Object.values(USERS)]);
  for (const [role, email] of Object.entries(USERS))
    await repos.users.create(email, await hashPassword(PASSWORD), role as keyof typeof USERS);
  await seed();
  gateway = await startGateway(
    loadGatewayConfig({
      ...testEnv,
      GATEWAY_PORT: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    }),
    createLogger('test', 'silent'),
  );
});

afterAll(async () => {
  await gateway?.stop();
  await cleanUp();
  await repos.db.close();
});

// ---- experiments and runs ----

const RUNS = `query($f:RunFilter,$s:RunSort,$n:Int,$a:String){ runs(filter:$f, sort:$s, first:$n, after:$a){
  totalCount pageInfo{ hasNextPage endCursor } edges{ cursor node{ id name status params tags latestMetrics{ key value } } } } }`;

/** Every page of a run query, checking that totalCount stays put. */
async function allPages(b: Browser, variables: Record<string, unknown>, pageSize: number) {
  const ids: string[] = [];
  let after: string | null = null;
  let total = -1;
  for (let page = 0; page < 100; page++) {
    const r = await b.gql(RUNS, { ...variables, n: pageSize, a: after });
    expect(r.errors).toBeUndefined();
    const conn = r.data.runs;
    if (total < 0) total = conn.totalCount;
    expect(conn.totalCount).toBe(total);
    expect(conn.edges.length).toBeLessThanOrEqual(pageSize);
    ids.push(...conn.edges.map((e: any) => e.node.id));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  return { ids, total };
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

describe('experiments', () => {
  it('lists experiments with run count and last run, filtered by name, one page at a time', async () => {
    const b = await signedIn(USERS.viewer);
    const q = `query($a:String){ experiments(first:1, after:$a, nameContains:"${SUFFIX.toUpperCase()}"){
      totalCount pageInfo{ hasNextPage endCursor } edges{ node{ id name runCount lastRunAt } } } }`;
    const p1 = (await b.gql(q)).data.experiments;
    expect(p1.totalCount).toBe(2);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = (await b.gql(q, { a: p1.pageInfo.endCursor })).data.experiments;
    expect(p2.pageInfo.hasNextPage).toBe(false);
    const byName = Object.fromEntries(
      [...p1.edges, ...p2.edges].map((e: any) => [e.node.name.split('-').at(-1), e.node]),
    );
    expect(byName.sweep).toMatchObject({
      id: sweepId,
      runCount: 30,
      lastRunAt: new Date(T0 + 9 * 60_000).toISOString(),
    });
    expect(byName.other).toMatchObject({ id: otherId, runCount: 4 });
    expect((await b.gql(`{ experiment(id:"${sweepId}"){ name runCount } }`)).data.experiment.runCount).toBe(
      30,
    );
    expect((await b.gql(`{ experiment(id:"${randomUUID()}"){ name } }`)).data.experiment).toBeNull();
  });
});

describe('runs', () => {
  it('filters by param, tag, metric threshold, status and name', async () => {
    const b = await signedIn(USERS.viewer);
    const r = await b.gql(RUNS, {
      f: {
        experimentId: sweepId,
        params: [{ key: 'lr', value: '0.01' }],
        tags: [{ key: 'team', value: 'beta' }],
        metrics: [{ key: 'val/sharpe', op: 'gte', value: 0.5 }],
        status: ['finished', 'failed'],
      },
      n: 200,
    });
    expect(r.errors).toBeUndefined();
    const expected = sweep.filter(
      (s) =>
        s.params.lr === 0.01 &&
        s.tags.team === 'beta' &&
        s.sharpe !== null &&
        s.sharpe >= 0.5 &&
        s.name !== 'trial-29',
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(r.data.runs.totalCount).toBe(expected.length);
    expect(r.data.runs.edges.map((e: any) => e.node.id).sort()).toEqual(expected.map((s) => s.id).sort());
    const node = r.data.runs.edges[0].node;
    expect(node.params.lr).toBe(0.01);
    expect(node.latestMetrics.map((m: any) => m.key)).toEqual(['loss', 'val/sharpe']);

    const numeric = await b.gql(RUNS, {
      f: { experimentId: sweepId, params: [{ key: 'layers', value: '3' }] },
    });
    expect(numeric.data.runs.totalCount).toBe(sweep.filter((s) => s.params.layers === 3).length);
    const lt = await b.gql(RUNS, {
      f: { experimentId: sweepId, metrics: [{ key: 'loss', op: 'lt', value: 0.3 }] },
    });
    expect(lt.data.runs.totalCount).toBe(sweep.filter((s) => s.loss < 0.3).length);
    const named = await b.gql(RUNS, { f: { experimentId: sweepId, nameContains: 'TRIAL-1' } });
    expect(named.data.runs.totalCount).toBe(10);
    const running = await b.gql(RUNS, { f: { experimentId: sweepId, status: ['running'] } });
    expect(running.data.runs.edges.map((e: any) => e.node.name)).toEqual(['trial-29']);
  });

  it('sorts by a metric with runs lacking it last, and pages without gaps or duplicates', async () => {
    const b = await signedIn(USERS.viewer);
    for (const direction of ['desc', 'asc'] as const) {
      const { ids, total } = await allPages(
        b,
        { f: { experimentId: sweepId }, s: { field: 'metric', metricKey: 'val/sharpe', direction } },
        7,
      );
      const sign = direction === 'asc' ? 1 : -1;
      const expected = [...sweep]
        .sort((x, y) => {
          if (x.sharpe === null || y.sharpe === null)
            return x.sharpe === y.sharpe ? sign * cmp(x.id, y.id) : x.sharpe === null ? 1 : -1;
          return sign * (cmp(x.sharpe, y.sharpe) || cmp(x.id, y.id));
        })
        .map((s) => s.id);
      expect(total).toBe(30);
      expect(ids).toEqual(expected);
    }
  });

  it('pages by start time with ties broken by id, and by name', async () => {
    const b = await signedIn(USERS.viewer);
    const byStart = await allPages(
      b,
      { f: { experimentId: sweepId }, s: { field: 'startedAt', direction: 'asc' } },
      4,
    );
    expect(byStart.ids).toEqual(
      [...sweep].sort((x, y) => cmp(x.startedAt, y.startedAt) || cmp(x.id, y.id)).map((s) => s.id),
    );
    const byName = await allPages(
      b,
      { f: { experimentId: sweepId }, s: { field: 'name', direction: 'desc' } },
      11,
    );
    expect(byName.ids).toEqual([...sweep].reverse().map((s) => s.id));
    // Default order: newest first.
    const first = await b.gql(RUNS, { f: { experimentId: sweepId }, n: 3 });
    expect(new Set(first.data.runs.edges.map((e: any) => e.node.name))).toEqual(
      new Set(['trial-27', 'trial-28', 'trial-29']),
    );
  });

  it('resolves a run with lineage, duration, metric keys and artifacts', async () => {
    const b = await signedIn(USERS.viewer);
    const q = `query($id:ID!){ run(id:$id){ name experimentName status durationSeconds metricKeys
      parent{ id } children{ id name } artifacts{ path size sha256 contentType } } }`;
    const parent = (await b.gql(q, { id: parentRunId })).data.run;
    expect(parent).toMatchObject({ name: 'parent', status: 'running', parent: null, metricKeys: [] });
    expect(parent.children.map((c: any) => c.id)).toEqual(childIds);
    const child = (await b.gql(q, { id: childIds[0] })).data.run;
    expect(child.parent).toEqual({ id: parentRunId });
    const trial = (await b.gql(q, { id: sweep[1]!.id })).data.run;
    expect(trial).toMatchObject({
      experimentName: `${PREFIX}${SUFFIX}-sweep`,
      durationSeconds: 30,
      metricKeys: ['loss', 'val/sharpe'],
      artifacts: [
        { path: 'models/trend.onnx', size: 1234, sha256: 'a'.repeat(64), contentType: 'application/onnx' },
      ],
    });
    expect((await b.gql(q, { id: randomUUID() })).data.run).toBeNull();
  });

  it('names the bad argument', async () => {
    const b = await signedIn(USERS.viewer);
    expect(errorOf(await b.gql(RUNS, { n: 0 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errorOf(await b.gql(RUNS, { n: 201 }))).toMatchObject({ field: 'first' });
    expect(errorOf(await b.gql(RUNS, { f: { experimentId: 'sweep' } }))).toMatchObject({
      field: 'filter.experimentId',
    });
    expect(errorOf(await b.gql(RUNS, { f: { params: [{ key: '', value: 'x' }] } }))).toMatchObject({
      field: 'filter.params[0].key',
    });
    expect(errorOf(await b.gql(RUNS, { s: { field: 'metric' } }))).toMatchObject({ field: 'sort.metricKey' });
    expect(errorOf(await b.gql(RUNS, { a: 'not-a-cursor' }))).toMatchObject({ field: 'after' });
    const page = await b.gql(RUNS, { f: { experimentId: sweepId }, n: 2 });
    const foreign = await b.gql(RUNS, {
      s: { field: 'name', direction: 'asc' },
      a: page.data.runs.pageInfo.endCursor,
    });
    expect(errorOf(foreign)).toMatchObject({ field: 'after' });
    expect(errorOf(await browser().gql(RUNS))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('metric series and comparison', () => {
  const SERIES = `query($r:ID!,$k:String!,$m:Int){ metricSeries(runId:$r, key:$k, maxPoints:$m){
    runId key totalPoints downsampled points{ step time value } } }`;

  it('reduces 20k points to at most maxPoints, keeping the endpoints and the spike', async () => {
    const b = await signedIn(USERS.viewer);
    const r = await b.gql(SERIES, { r: longRunId, k: 'loss' });
    expect(r.errors).toBeUndefined();
    const s = r.data.metricSeries;
    expect(s).toMatchObject({ runId: longRunId, key: 'loss', totalPoints: 20_000, downsampled: true });
    expect(s.points.length).toBeLessThanOrEqual(1000);
    expect(s.points[0]).toEqual({ step: 0, time: new Date(T0).toISOString(), value: 1 });
    expect(s.points.at(-1).step).toBe(19_999);
    expect(s.points.find((p: any) => p.value === 50)?.step).toBe(12_345);
    const steps = s.points.map((p: any) => p.step);
    expect(steps).toEqual([...steps].sort((x: number, y: number) => x - y));

    const full = (await b.gql(SERIES, { r: sweep[3]!.id, k: 'loss', m: 10_000 })).data.metricSeries;
    expect(full).toMatchObject({ totalPoints: 5, downsampled: false });
    expect(full.points.map((p: any) => p.step)).toEqual([0, 1, 2, 3, 4]);
    expect((await b.gql(SERIES, { r: sweep[3]!.id, k: 'nope' })).data.metricSeries.totalPoints).toBe(0);
  });

  it('rejects bad series arguments', async () => {
    const b = await signedIn(USERS.viewer);
    expect(errorOf(await b.gql(SERIES, { r: longRunId, k: 'loss', m: 1 }))).toMatchObject({
      field: 'maxPoints',
    });
    expect(errorOf(await b.gql(SERIES, { r: longRunId, k: 'loss', m: 10_001 }))).toMatchObject({
      field: 'maxPoints',
    });
    expect(errorOf(await b.gql(SERIES, { r: 'x', k: 'loss' }))).toMatchObject({ field: 'runId' });
    expect(errorOf(await b.gql(SERIES, { r: randomUUID(), k: 'loss' }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'runId',
    });
  });

  it('serves many series in one batch, in the order asked, and names the bad entry', async () => {
    const BATCH = `query($s:[MetricSeriesRequest!]!,$m:Int){ metricSeriesBatch(series:$s, maxPoints:$m){
      runId key totalPoints } }`;
    const b = await signedIn(USERS.viewer);
    // More series than the alias limit would let one aliased document hold.
    const asked = Array.from({ length: 60 }, (_, i) => ({
      runId: i % 2 ? longRunId : sweep[3]!.id,
      key: i % 3 ? 'loss' : 'nope',
    }));
    const r = await b.gql(BATCH, { s: asked, m: 100 });
    expect(r.errors).toBeUndefined();
    expect(r.data.metricSeriesBatch.map((s: any) => [s.runId, s.key])).toEqual(
      asked.map((a) => [a.runId, a.key]),
    );
    expect(r.data.metricSeriesBatch[1]).toMatchObject({ totalPoints: 20_000 });
    expect(r.data.metricSeriesBatch[0]).toMatchObject({ totalPoints: 0 });

    expect(errorOf(await b.gql(BATCH, { s: [] }))).toMatchObject({ field: 'series' });
    const tooMany = Array.from({ length: 201 }, () => ({ runId: longRunId, key: 'loss' }));
    expect(errorOf(await b.gql(BATCH, { s: tooMany }))).toMatchObject({ field: 'series' });
    const unknown = [
      { runId: longRunId, key: 'loss' },
      { runId: randomUUID(), key: 'loss' },
    ];
    expect(errorOf(await b.gql(BATCH, { s: unknown }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'series[1].runId',
    });
    expect(errorOf(await b.gql(BATCH, { s: [{ runId: 'x', key: 'loss' }] }))).toMatchObject({
      field: 'series[0].runId',
    });
  });

  it('compares runs: params side by side with differences marked, metric overlays', async () => {
    const b = await signedIn(USERS.viewer);
    const [a, c, d] = [sweep[1]!, sweep[3]!, sweep[5]!];
    const r = await b.gql(
      `query($ids:[ID!]!){ compareRuns(runIds:$ids, maxPoints:3){ runs{ id }
        params{ key values differs } metrics{ key latest series{ runId totalPoints downsampled points{ step } } } } }`,
      { ids: [a.id, c.id, d.id] },
    );
    expect(r.errors).toBeUndefined();
    const cmpRuns = r.data.compareRuns;
    expect(cmpRuns.runs.map((x: any) => x.id)).toEqual([a.id, c.id, d.id]);
    expect(cmpRuns.params).toEqual([
      { key: 'layers', values: ['2', '4', '2'], differs: true },
      { key: 'lr', values: ['0.01', '0.1', '0.001'], differs: true },
      { key: 'optimizer', values: ['sgd', 'sgd', 'sgd'], differs: false },
    ]);
    expect(cmpRuns.metrics.map((m: any) => m.key)).toEqual(['loss', 'val/sharpe']);
    const sharpe = cmpRuns.metrics[1];
    expect(sharpe.latest).toEqual([a.sharpe, c.sharpe, null]);
    const loss = cmpRuns.metrics[0];
    expect(loss.series.map((s: any) => s.runId)).toEqual([a.id, c.id, d.id]);
    for (const s of loss.series) {
      expect(s).toMatchObject({ totalPoints: 5, downsampled: true });
      expect(s.points.map((p: any) => p.step)[0]).toBe(0);
      expect(s.points).toHaveLength(3);
    }
  });

  it('names the bad compareRuns argument', async () => {
    const b = await signedIn(USERS.viewer);
    const q = 'query($ids:[ID!]!){ compareRuns(runIds:$ids){ runs{ id } } }';
    expect(errorOf(await b.gql(q, { ids: [sweep[0]!.id] }))).toMatchObject({ field: 'runIds' });
    expect(errorOf(await b.gql(q, { ids: [sweep[0]!.id, randomUUID()] }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'runIds[1]',
    });
    expect(errorOf(await b.gql(q, { ids: [sweep[0]!.id, sweep[0]!.id] }))).toMatchObject({
      field: 'runIds[1]',
    });
  });
});

// ---- model registry ----

describe('model registry', () => {
  const model = `${PREFIX}${SUFFIX}-trend`;
  const REGISTER = `mutation($i:RegisterModelVersionInput!){ registerModelVersion(input:$i){
    id modelName version stage metrics createdBy signature{ inputs{ name type shape } outputs{ shape } }
    run{ id } artifact{ path } } }`;
  const MOVE = `mutation($i:MoveModelStageInput!){ moveModelStage(input:$i){
    version{ version stage } archived{ version stage } } }`;
  const register = (b: Browser, extra: Record<string, unknown> = {}) =>
    b.gql(REGISTER, {
      i: {
        modelName: model,
        runId: sweep[1]!.id,
        artifactPath: 'models/trend.onnx',
        signature: SIGNATURE,
        ...extra,
      },
    });
  const move = (b: Browser, version: number, to: string, reason = `to ${to}`) =>
    b.gql(MOVE, { i: { modelName: model, version, to, reason } });

  it('registers versions concurrently as 1 and 2, with lineage and the run metrics', async () => {
    const quant = await signedIn(USERS.quant);
    const [r1, r2] = await Promise.all([register(quant), register(quant, { metrics: { sharpe: 1.5 } })]);
    expect(r1.errors).toBeUndefined();
    expect(r2.errors).toBeUndefined();
    const versions = [r1.data.registerModelVersion, r2.data.registerModelVersion];
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
    const fromRun = versions.find((v) => !('sharpe' in v.metrics))!;
    expect(fromRun).toMatchObject({
      modelName: model,
      stage: 'none',
      createdBy: USERS.quant,
      metrics: { loss: 1 / 5 + 0.01, 'val/sharpe': sweep[1]!.sharpe },
      signature: {
        inputs: [{ name: 'features', type: 'float32', shape: [null, 30] }],
        outputs: [{ shape: [null, 3] }],
      },
      run: { id: sweep[1]!.id },
      artifact: { path: 'models/trend.onnx' },
    });
    const audit = await repos.db.pool.query(
      `SELECT actor, action, target FROM audit_log WHERE target LIKE $1 AND action = 'model.register' ORDER BY target`,
      [`${model}@v%`],
    );
    expect(audit.rows.map((a) => a.target)).toEqual([`${model}@v1`, `${model}@v2`]);
    expect(audit.rows[0].actor).toMatch(/^user:/);
  });

  it('refuses a registration with a bad signature, a foreign artifact, or by a viewer', async () => {
    const quant = await signedIn(USERS.quant);
    const badSig = await register(quant, { signature: { inputs: [], outputs: SIGNATURE.outputs } });
    expect(errorOf(badSig)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.signature' });
    // The artifact exists, but on another run.
    const foreign = await register(quant, { runId: sweep[2]!.id });
    expect(errorOf(foreign)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.artifactPath' });
    const unknownRun = await register(quant, { runId: randomUUID() });
    expect(errorOf(unknownRun)).toMatchObject({ field: 'input.runId' });
    expect(errorOf(await register(quant, { modelName: 'a@b' }))).toMatchObject({ field: 'input.modelName' });
    expect(errorOf(await register(quant, { metrics: { sharpe: 'high' } }))).toMatchObject({
      field: 'input.metrics',
    });
    const viewer = await signedIn(USERS.viewer);
    expect(errorOf(await register(viewer))).toMatchObject({ code: 'FORBIDDEN' });
    const count = await repos.db.pool.query(
      'SELECT count(*)::int AS n FROM model_versions WHERE model_name = $1',
      [model],
    );
    expect(count.rows[0].n).toBe(2);
  });

  it('lets a quant stage a version but only a pm put it into production, archiving the previous one', async () => {
    const quant = await signedIn(USERS.quant);
    const pm = await signedIn(USERS.pm);

    expect((await move(quant, 1, 'staging')).data.moveModelStage).toEqual({
      version: { version: 1, stage: 'staging' },
      archived: null,
    });
    const denied = await move(quant, 1, 'production');
    expect(errorOf(denied)).toMatchObject({ code: 'FORBIDDEN' });
    expect(denied.errors![0]!.message).toContain('pm or admin');

    expect((await move(pm, 1, 'production', 'beats v0 on holdout')).data.moveModelStage).toEqual({
      version: { version: 1, stage: 'production' },
      archived: null,
    });
    // A quant may not take a version out of production either.
    expect(errorOf(await move(quant, 1, 'archived'))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await move(pm, 2, 'production', 'retrained')).data.moveModelStage).toEqual({
      version: { version: 2, stage: 'production' },
      archived: { version: 1, stage: 'archived' },
    });
    expect(errorOf(await move(pm, 2, 'production'))).toMatchObject({ field: 'input.to' });
    expect(errorOf(await move(pm, 9, 'staging'))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.version',
    });
    expect(errorOf(await move(pm, 2, 'none'))).toMatchObject({ field: 'input.to' });
    expect(errorOf(await move(pm, 2, 'staging', '   '))).toMatchObject({ field: 'input.reason' });

    const r = await pm.gql(
      `query($n:String!){ registeredModel(name:$n){ name versions{ version stage
        stageHistory{ modelName version from to actor reason at } } production{ version } staging{ version } } }`,
      { n: model },
    );
    const registered = r.data.registeredModel;
    expect(registered.production).toEqual({ version: 2 });
    expect(registered.staging).toBeNull();
    expect(registered.versions.map((v: any) => [v.version, v.stage])).toEqual([
      [2, 'production'],
      [1, 'archived'],
    ]);
    const history = registered.versions[1].stageHistory;
    expect(history.map((h: any) => [h.from, h.to, h.actor])).toEqual([
      ['production', 'archived', USERS.pm],
      ['staging', 'production', USERS.pm],
      ['none', 'staging', USERS.quant],
    ]);
    expect(history[0].reason).toBe('replaced in production by v2: retrained');
    expect(history[1]).toMatchObject({ modelName: model, version: 1, reason: 'beats v0 on holdout' });

    const audit = await repos.db.pool.query(
      `SELECT target, reason, details FROM audit_log WHERE action = 'model.stage' AND target LIKE $1 ORDER BY id`,
      [`${model}@v%`],
    );
    expect(audit.rows.map((a) => [a.target, a.details.from, a.details.to])).toEqual([
      [`${model}@v1`, 'none', 'staging'],
      [`${model}@v1`, 'staging', 'production'],
      [`${model}@v1`, 'production', 'archived'],
      [`${model}@v2`, 'none', 'production'],
    ]);

    const lineage = await pm.gql(
      `query($id:ID!){ run(id:$id){ modelVersions{ modelName version stage } } }`,
      {
        id: sweep[1]!.id,
      },
    );
    expect(lineage.data.run.modelVersions).toEqual([
      { modelName: model, version: 2, stage: 'production' },
      { modelName: model, version: 1, stage: 'archived' },
    ]);
    const listed = (await pm.gql('{ registeredModels{ name production{ version } } }')).data.registeredModels;
    expect(listed.find((m: any) => m.name === model)).toEqual({ name: model, production: { version: 2 } });
    const one = await pm.gql(`query($n:String!){ modelVersion(modelName:$n, version:2){ stage } }`, {
      n: model,
    });
    expect(one.data.modelVersion).toEqual({ stage: 'production' });
  });

  it('numbers concurrent registrations without gaps, and serialises concurrent moves into one stage', async () => {
    const pm = await signedIn(USERS.pm);
    const quant = await signedIn(USERS.quant);
    const registered = await Promise.all(Array.from({ length: 8 }, () => register(quant)));
    for (const r of registered) expect(r.errors).toBeUndefined();
    const numbers = registered.map((r) => r.data.registerModelVersion.version as number);
    expect([...numbers].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);

    const moves = await Promise.all(numbers.slice(0, 4).map((n) => move(pm, n, 'canary')));
    for (const m of moves) expect(m.errors).toBeUndefined();
    const holders = await repos.db.pool.query(
      `SELECT version FROM model_versions WHERE model_name = $1 AND stage = 'canary'`,
      [model],
    );
    expect(holders.rows).toHaveLength(1);
    // Each move but the first archived the one before it.
    const archived = moves.map((m) => m.data.moveModelStage.archived?.version).filter(Boolean);
    expect(archived).toHaveLength(3);
    expect(new Set([...archived, holders.rows[0].version])).toEqual(new Set(numbers.slice(0, 4)));
  });
});

// ---- subscriptions ----

describe('subscriptions', () => {
  it('streams new metric points of one run and status changes of one experiment over graphql-ws', async () => {
    const viewer = await signedIn(USERS.viewer);
    const ws = wsClient(viewer.cookie);
    const next = <T>(query: string, variables: Record<string, unknown>) =>
      new Promise<T>((resolve, reject) =>
        ws.subscribe<T>(
          { query, variables },
          {
            next: (m) => (m.errors ? reject(new Error(m.errors[0]!.message)) : resolve(m.data as T)),
            error: reject,
            complete: () => undefined,
          },
        ),
      );
    try {
      const metrics = next<any>(
        'subscription($r:ID!){ runMetricsAdded(runId:$r){ runId points{ key step time value } } }',
        { r: longRunId },
      );
      const status = next<any>(
        'subscription($e:ID){ runStatusChanged(experimentId:$e){ runId experimentId status at } }',
        { e: sweepId },
      );
      await new Promise((r) => setTimeout(r, 300));
      const publish = (channel: string, event: RunMetricsEvent | RunStatusEvent) =>
        gateway.services.redisQueue.publish(channel, JSON.stringify(event));
      // Events for another run and another experiment come first and must be filtered out.
      await publish(channels.runMetrics, {
        runId: parentRunId,
        points: [{ key: 'loss', step: 1, ts: T0, value: 9 }],
      });
      await publish(channels.runMetrics, {
        runId: longRunId,
        points: [{ key: 'loss', step: 20_000, ts: T0 + 20_000_000, value: 0.02 }],
      });
      await publish(channels.runStatus, {
        runId: longRunId,
        experimentId: otherId,
        status: 'finished',
        at: T0,
      });
      await publish(channels.runStatus, {
        runId: sweep[29]!.id,
        experimentId: sweepId,
        status: 'killed',
        at: T0 + 5,
      });

      expect((await metrics).runMetricsAdded).toEqual({
        runId: longRunId,
        points: [{ key: 'loss', step: 20_000, time: new Date(T0 + 20_000_000).toISOString(), value: 0.02 }],
      });
      expect((await status).runStatusChanged).toEqual({
        runId: sweep[29]!.id,
        experimentId: sweepId,
        status: 'killed',
        at: new Date(T0 + 5).toISOString(),
      });
    } finally {
      await ws.dispose();
    }
  });
});
