import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openRepositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import { createLogger, JobQueue } from '@tradeplane/platform';
import { hrp, parseWidePrices, simpleReturns } from '@tradeplane/quant';
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
const TICKERS = 'GOOG AAPL FB BABA AMZN GE AMD WMT BAC GM T UAA SHLD XOM RRC BBY MA PFE JPM SBUX'.split(' ');
let workers: RunningProcess;
let gateway: RunningGateway;
let cookie = '';

async function gql(
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
}

async function waitForJob(queueName: string, jobId: string) {
  const queue = gateway.services.regimeQueue.queue;
  const events = new QueueEvents(queueName, { connection: gateway.services.redisQueue.duplicate() });
  try {
    return await (await queue.getJob(jobId))!.waitUntilFinished(events, 120_000);
  } finally {
    await events.close();
  }
}

beforeAll(async () => {
  for (const file of ['daily/spy_prices.csv', 'daily/stock_prices.csv']) {
    const target = path.join(sharedData, file);
    await runIngestion(repos, (await repos.ingestionRuns.create(target, null)).id, target);
  }
  await repos.db.pool.query("DELETE FROM regime_models WHERE symbol = 'SPY'");
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
  const login = await gql('mutation($e:String!,$p:String!){ login(email:$e,password:$p){ id } }', {
    e: ADMIN.email,
    p: ADMIN.password,
  });
  expect(login.errors).toBeUndefined();
});

afterAll(async () => {
  await gateway?.stop();
  await workers?.stop();
  await repos.db.close();
});

describe('riskReport', () => {
  const query = `query($s:[String!],$l:Linkage){ riskReport(symbols:$s, linkage:$l){ symbols observations from to
    hrp{ linkage weights{ symbol weight } order dendrogram{ left right distance size } } inverseVariance{ symbol weight }
    correlation{ symbols values } var{ level historicalVar historicalCvar parametricVar parametricCvar } maxConcentration breaches{ code } } }`;

  it('computes from the database exactly what the CLI computes from the CSV', async () => {
    const r = await gql(query, { s: TICKERS, l: 'average' });
    expect(r.errors).toBeUndefined();
    const report = r.data.riskReport;
    const fromFile = hrp(
      simpleReturns(parseWidePrices(readFileSync(path.join(sharedData, 'daily/stock_prices.csv'), 'utf8'))),
      {
        linkage: 'average',
      },
    );
    expect(report.hrp.order).toEqual(fromFile.order);
    for (const { symbol, weight } of report.hrp.weights)
      expect(weight).toBeCloseTo(fromFile.weights[symbol]!, 12);
    expect(report.observations).toBe(7125);
    expect(report.hrp.dendrogram).toHaveLength(19);
    expect(report.correlation.values).toHaveLength(20);
    expect(report.correlation.values[0][0]).toBeCloseTo(1, 12);
    const [v95, v99] = report.var;
    expect(v99.historicalVar).toBeGreaterThan(v95.historicalVar);
    expect(v95.historicalCvar).toBeGreaterThanOrEqual(v95.historicalVar);
    expect(report.breaches).toEqual([]);
  });

  it('names the bad symbol', async () => {
    const r = await gql(query, { s: ['SPY', 'NOPE'] });
    expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'symbols[1]' });
  });
});

describe('regimes', () => {
  it('fits on the workers, stores the history, announces the regime and continues it over new bars', async () => {
    const changes: any[] = [];
    const ws = createClient({
      url: gateway.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { cookie } });
        }
      },
    });
    const firstChange = new Promise<void>((resolve, reject) =>
      ws.subscribe(
        {
          query:
            'subscription{ regimeChanged(symbol:"SPY"){ modelVersion symbol time from to bull bear sideways } }',
        },
        {
          next: (m) => (changes.push(m.data?.regimeChanged), resolve()),
          error: reject,
          complete: () => undefined,
        },
      ),
    );
    await new Promise((r) => setTimeout(r, 300));

    const fit = await gql('mutation{ fitRegimeModel(symbol:"SPY", seed:42) }');
    expect(fit.errors).toBeUndefined();
    const result = await waitForJob('regime', fit.data.fitRegimeModel);
    expect(result).toMatchObject({ points: 6745, latest: 'bull' });
    const status = await gql('query($id:ID!){ regimeFitJob(id:$id){ state failedReason } }', {
      id: fit.data.fitRegimeModel,
    });
    expect(status.data.regimeFitJob).toEqual({ state: 'completed', failedReason: null });
    await firstChange;
    expect(changes[0]).toMatchObject({
      symbol: 'SPY',
      from: null,
      to: 'bull',
      time: '2019-12-09T00:00:00.000Z',
    });

    const h =
      await gql(`{ regimeHistory(symbol:"SPY"){ model{ version seed logLikelihood states{ label } transition }
      points{ time bull bear sideways regime } transitions{ time from to } disruption{ transitions hardSwitch blended blendedSmoothed } } }`);
    const history = h.data.regimeHistory;
    expect(history.model.states.map((s: any) => s.label)).toEqual(['bull', 'bear', 'sideways']);
    expect(history.points).toHaveLength(6745);
    expect(history.transitions).toHaveLength(171);
    expect(history.disruption.transitions).toBe(171);
    expect(history.disruption.blended).toBeLessThan(history.disruption.hardSwitch);
    expect(history.disruption.blendedSmoothed).toBeLessThan(history.disruption.blended);

    // The fit is also a tracking run: EM log-likelihood per iteration, final figures, params artifact.
    const runs = await gql(
      `{ runs(filter:{ params:[{ key:"regimeModelVersion", value:"${history.model.version}" }] }){
         edges{ node{ id status experimentName metricKeys latestMetrics{ key value } artifacts{ path sha256 } } } } }`,
    );
    expect(runs.errors).toBeUndefined();
    const run = runs.data.runs.edges[0].node;
    expect(run).toMatchObject({ status: 'finished', experimentName: 'regime/SPY/1d' });
    expect(run.metricKeys).toContain('em_log_likelihood');
    expect(run.latestMetrics.find((m: any) => m.key === 'transitions').value).toBe(171);
    expect(run.latestMetrics.find((m: any) => m.key === 'log_likelihood').value).toBeCloseTo(
      history.model.logLikelihood,
      6,
    );
    expect(run.artifacts.map((a: any) => a.path)).toEqual(['model/hmm-params.json']);
    const em = await gql(
      `{ metricSeries(runId:"${run.id}", key:"em_log_likelihood"){ totalPoints points{ value } } }`,
    );
    const emValues = em.data.metricSeries.points.map((p: any) => p.value);
    expect(emValues.length).toBeGreaterThan(2);
    expect(emValues.at(-1)).toBeGreaterThanOrEqual(emValues[0]); // EM never decreases the likelihood

    // New bars: drop the last 15 stored points, then let the update job filter them again
    // from the stored state. The continued filter must reproduce them.
    const version = history.model.version;
    await repos.db.pool.query("DELETE FROM regime_history WHERE model_version = $1 AND ts > '2019-11-15'", [
      version,
    ]);
    const updates = new JobQueue('regime.update', gateway.services.redisQueue);
    const jobId = await updates.enqueue({ symbol: 'SPY', timeframe: '1d' });
    const updated = await waitForJob('regime', jobId);
    expect(updated).toMatchObject({ appended: 15, latest: 'bull' });
    const again = await gql(
      '{ regimeHistory(symbol:"SPY", from:"2019-11-01T00:00:00Z"){ points{ time bull bear sideways regime } } }',
    );
    const before = history.points.filter((p: any) => p.time >= '2019-11-01');
    expect(again.data.regimeHistory.points).toHaveLength(before.length);
    again.data.regimeHistory.points.forEach((p: any, i: number) => {
      expect(p.time).toBe(before[i].time);
      expect(p.regime).toBe(before[i].regime);
      expect(p.bull).toBeCloseTo(before[i].bull, 10);
      expect(p.bear).toBeCloseTo(before[i].bear, 10);
    });
    await ws.dispose();
  });

  it('rejects a fit for an unknown symbol, naming the field', async () => {
    const r = await gql('mutation{ fitRegimeModel(symbol:"NOPE") }');
    expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'symbol' });
  });
});
