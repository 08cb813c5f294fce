import { copyFile, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { openRepositories } from '@tradeplane/db';
import { loadEngineConfig, startEngine, type RunningEngine } from '@tradeplane/engine';
import { runIngestion } from '@tradeplane/marketdata';
import { createLogger, hashPassword, sha256Hex } from '@tradeplane/platform';
import { QueueEvents } from 'bullmq';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { repoRoot, sharedData, testEnv } from '../../../test/stack';
import { startWorkersProcess, type RunningProcess } from '../../../test/processes';
import { loadGatewayConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';
import { graphqlBrowser } from './graphql-browser';

const silent = () => createLogger('test', 'silent');
const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 2 });
const ADMIN = { email: 'admin@tradeplane.local', password: 'admin-password-for-tests' };
const ENGINE_API_KEY = 'tp_test_gateway_key_0123456789abcdef';
const RETIRED_SERVICE_KEY = 'tp_retired_gateway_key_0123456789abcdef';
let engine: RunningEngine;
let workers: RunningProcess;
let gateway: RunningGateway;
let importDir: string;

const browser = () => graphqlBrowser(() => gateway.url);

async function signedIn(email = ADMIN.email, password = ADMIN.password) {
  const b = browser();
  const r = await b.gql('mutation($e:String!,$p:String!){ login(email:$e,password:$p){ id email role } }', {
    e: email,
    p: password,
  });
  expect(r.errors).toBeUndefined();
  return b;
}

beforeAll(async () => {
  const spy = path.join(sharedData, 'daily/spy_prices.csv');
  await runIngestion(repos, (await repos.ingestionRuns.create(spy, null)).id, spy);
  await repos.db.pool.query(
    "DELETE FROM users WHERE email IN ('admin@tradeplane.local', 'viewer@tradeplane.local')",
  );
  await repos.users.create('viewer@tradeplane.local', await hashPassword('viewer-password'), 'viewer');

  importDir = await mkdtemp(path.join(repoRoot, 'data', '.tmp-import-'));
  await copyFile(
    path.join(sharedData, 'daily/orcl-1995-2014.csv'),
    path.join(importDir, 'orcl-1995-2014.csv'),
  );

  // A service key of an earlier configuration (a rotated one, or the published default).
  await repos.db.pool.query("DELETE FROM api_keys WHERE name = 'gateway (service)'");
  await repos.apiKeys.registerServiceKey({
    name: 'gateway (service)',
    prefix: RETIRED_SERVICE_KEY.slice(0, 12),
    keyHash: sha256Hex(RETIRED_SERVICE_KEY),
  });
  engine = await startEngine(loadEngineConfig({ ...testEnv, ENGINE_PORT: '0' }), silent());
  workers = await startWorkersProcess(testEnv);
  gateway = await startGateway(
    loadGatewayConfig({
      ...testEnv,
      GATEWAY_PORT: '0',
      ENGINE_URL: engine.url,
      ENGINE_API_KEY,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      DATA_IMPORT_ROOTS: path.join(repoRoot, 'data'),
    }),
    silent(),
  );
  // The engine learns the gateway's key (registered at gateway start) on its first use.
});

afterAll(async () => {
  await gateway?.stop();
  await workers?.stop();
  await engine?.stop();
  await repos.db.pool.query(
    `DELETE FROM bars WHERE instrument_id IN (SELECT id FROM instruments WHERE symbol = 'ORCL')`,
  );
  await repos.db.close();
  const { rm } = await import('node:fs/promises');
  if (importDir) await rm(importDir, { recursive: true, force: true });
});

describe('authentication and roles', () => {
  it('seeds the admin from the environment once and signs in with a session cookie', async () => {
    const b = await signedIn();
    expect(b.cookie).toMatch(/^tp_session=tp_session_/);
    expect((await b.gql('{ me { email role } }')).data.me).toEqual({ email: ADMIN.email, role: 'admin' });
    expect(await repos.users.countByRole('admin')).toBeGreaterThanOrEqual(1);
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    const r = await browser().gql(
      'mutation{ login(email:"admin@tradeplane.local", password:"nope-nope"){ id } }',
    );
    expect(r.errors![0]).toMatchObject({
      message: 'wrong email or password',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('requires sign-in for data and a role for actions', async () => {
    const anonymous = await browser().gql('{ instruments { symbol } }');
    expect(anonymous.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const viewer = await signedIn('viewer@tradeplane.local', 'viewer-password');
    expect((await viewer.gql('{ instruments { symbol } }')).errors).toBeUndefined();
    const denied = await viewer.gql('mutation($p:String!){ importData(path:$p){ id } }', { p: importDir });
    expect(denied.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const key = await viewer.gql('mutation{ createApiKey(name:"mine"){ secret } }');
    expect(key.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('ends the session on logout', async () => {
    const b = await signedIn();
    await b.gql('mutation{ logout }');
    expect((await b.gql('{ me { email } }')).data.me).toBeNull();
  });

  it('keeps Apollo CSRF prevention on (a simple text/plain POST is refused)', async () => {
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"query":"{ me { id } }"}',
    });
    expect(res.status).toBe(400);
  });
});

describe('the gateway service key', () => {
  it('is the configured one only: an earlier service key is revoked at start, and audited', async () => {
    const { rows } = await repos.db.pool.query<{ key_hash: string; revoked: boolean }>(
      "SELECT key_hash, revoked_at IS NOT NULL AS revoked FROM api_keys WHERE name = 'gateway (service)'",
    );
    expect(Object.fromEntries(rows.map((r) => [r.key_hash, r.revoked]))).toEqual({
      [sha256Hex(RETIRED_SERVICE_KEY)]: true,
      [sha256Hex(ENGINE_API_KEY)]: false,
    });
    const audit = await repos.db.pool.query(
      "SELECT details FROM audit_log WHERE action = 'api_key.retire_service_keys' ORDER BY at DESC LIMIT 1",
    );
    expect(audit.rows[0]?.details).toEqual({ revoked: 1 });
  });
});

describe('market data', () => {
  it('lists instruments with their series', async () => {
    const b = await signedIn();
    const { data } = await b.gql(
      '{ instruments { symbol assetClass timeframes barCount firstBar lastBar } }',
    );
    expect(data.instruments.find((i: any) => i.symbol === 'SPY')).toEqual({
      symbol: 'SPY',
      assetClass: 'etf',
      timeframes: ['1d'],
      barCount: 6765,
      firstBar: '1993-01-29T00:00:00.000Z',
      lastBar: '2019-12-09T00:00:00.000Z',
    });
  });

  it('pages bars with cursors: no gap, no overlap', async () => {
    const b = await signedIn();
    const q =
      'query($a:String){ bars(symbol:"SPY", timeframe:"1d", first:5000, after:$a){ totalCount pageInfo{ hasNextPage endCursor } edges{ node{ time close } } } }';
    const p1 = (await b.gql(q)).data.bars;
    expect(p1).toMatchObject({ totalCount: 6765, pageInfo: { hasNextPage: true } });
    const p2 = (await b.gql(q, { a: p1.pageInfo.endCursor })).data.bars;
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect(p1.edges.length + p2.edges.length).toBe(6765);
    expect(new Date(p2.edges[0].node.time).getTime()).toBeGreaterThan(
      new Date(p1.edges.at(-1).node.time).getTime(),
    );
  });

  it('names the bad argument', async () => {
    const b = await signedIn();
    const tooMany = await b.gql('{ bars(symbol:"SPY", timeframe:"1d", first:100000){ totalCount } }');
    expect(tooMany.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const badCursor = await b.gql('{ bars(symbol:"SPY", timeframe:"1d", after:"xyz"){ totalCount } }');
    expect(badCursor.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const badTf = await b.gql('{ features(symbol:"SPY", timeframe:"7d"){ barTime } }');
    expect(badTf.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeframe' });
    const unknown = await b.gql('{ features(symbol:"NOSUCH", timeframe:"1d"){ barTime } }');
    expect(unknown.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it('serves point-in-time features from the engine', async () => {
    const b = await signedIn();
    const r = await b.gql(
      '{ features(symbol:"SPY", timeframe:"1d", asOf:"2008-10-11T00:00:00Z"){ barTime values{ name value } } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.features.barTime).toBe('2008-10-10T00:00:00.000Z');
    expect(r.data.features.values.map((v: any) => v.name)).toContain('rsi14');
  });
});

describe('health', () => {
  it('reports every component up', async () => {
    const { data } = await browser().gql('{ health { ok components { name state detail } } }');
    const states = Object.fromEntries(data.health.components.map((c: any) => [c.name, c.state]));
    expect(states).toEqual({
      postgres: 'up',
      'redis-queue': 'up',
      'redis-cache': 'up',
      kafka: 'up',
      engine: 'up',
      workers: 'up',
    });
    expect(data.health.ok).toBe(true);
  });
});

describe('importData with live progress over graphql-ws', () => {
  it('enqueues a job the workers run, streaming progress to the subscriber', async () => {
    const b = await signedIn();
    const cookie = b.cookie;
    const ws = createClient({
      url: gateway.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { cookie } });
        }
      },
    });
    const events: any[] = [];
    const done = new Promise<void>((resolve, reject) => {
      ws.subscribe(
        {
          query:
            'subscription{ ingestionProgress { runId status filesDone filesTotal rowsInserted rowsRejected } }',
        },
        {
          next: (msg: { data?: any }) => {
            const progress = msg.data?.ingestionProgress;
            events.push(progress);
            if (['succeeded', 'failed'].includes(progress?.status)) resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await new Promise((r) => setTimeout(r, 300)); // subscription registered
    const r = await b.gql('mutation($p:String!){ importData(path:$p){ id status } }', { p: importDir });
    expect(r.errors).toBeUndefined();
    expect(r.data.importData.status).toBe('queued');
    await done;
    await ws.dispose();
    const last = events.at(-1);
    expect(last).toMatchObject({
      runId: r.data.importData.id,
      status: 'succeeded',
      filesDone: 1,
      filesTotal: 1,
      rowsRejected: 0,
    });
    const run = (
      await b.gql('query($id:ID!){ ingestionRun(id:$id){ status rowsRead } }', { id: r.data.importData.id })
    ).data.ingestionRun;
    expect(run).toEqual({ status: 'succeeded', rowsRead: 5036 });
  });

  it('refuses a path outside the import roots, naming the field', async () => {
    const b = await signedIn();
    const r = await b.gql('mutation{ importData(path:"/etc"){ id } }');
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'path' });
  });
});

describe('feature backfill', () => {
  it('runs on the workers: checks each series for lookahead', async () => {
    const b = await signedIn();
    const bad = await b.gql('mutation{ backfillFeatures(symbols:["SPY","NOSUCH"], timeframe:"1d") }');
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'symbols[1]' });

    const r = await b.gql('mutation{ backfillFeatures(symbols:["SPY"], timeframe:"1d") }');
    expect(r.errors).toBeUndefined();
    const job = (await gateway.services.backfillQueue.queue.getJob(r.data.backfillFeatures))!;
    const result = await job.waitUntilFinished(
      new QueueEvents('feature-backfill', { connection: gateway.services.redisQueue.duplicate() }),
    );
    expect(result).toEqual([{ symbol: 'SPY', bars: 6765, lookaheadChecked: 64, violations: 0 }]);

    // The engine answers from its own in-memory columns.
    const served = await b.gql(
      '{ features(symbol:"SPY", timeframe:"1d", asOf:"2019-06-03"){ source values{ name value } } }',
    );
    expect(['load', 'memory']).toContain(served.data.features.source);
  });
});

describe('API keys', () => {
  it('creates a key (admin) that the engine accepts after its refresh', async () => {
    const b = await signedIn();
    const { data } = await b.gql('mutation{ createApiKey(name:"integration bot"){ prefix secret } }');
    expect(data.createApiKey.secret.startsWith(data.createApiKey.prefix)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    const res = await fetch(`${engine.url}/api/v1/features/SPY/1d`, {
      headers: { 'x-api-key': data.createApiKey.secret },
    });
    expect(res.status).toBe(200);
    const stored = await repos.db.pool.query('SELECT key_hash FROM api_keys WHERE key_hash = $1', [
      data.createApiKey.secret,
    ]);
    expect(stored.rowCount).toBe(0); // only the hash is stored
  });
});
