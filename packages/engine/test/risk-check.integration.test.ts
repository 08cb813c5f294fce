import path from 'node:path';
import { openRepositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import { createLogger, generateSecret, sha256Hex } from '@tradeplane/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData, testEnv } from '../../../test/stack';
import { loadEngineConfig, startEngine, type RunningEngine } from '../src';

const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 2 });
let engine: RunningEngine;
let apiKey: string;

async function check(body: unknown, key: string | null = apiKey, method = 'POST') {
  const res = await fetch(`${engine.url}/api/v1/risk/check`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
const rule = (body: Record<string, any>, name: string) => body.rules.find((r: any) => r.rule === name);

beforeAll(async () => {
  // Real daily bars: the 20-stock universe (to 2018-04-11), SPY (to 2019-12-09), NVDA (to 2014).
  for (const file of ['daily/stock_prices.csv', 'daily/spy_prices.csv', 'daily/nvda-1999-2014.csv']) {
    const run = await repos.ingestionRuns.create(path.join(sharedData, file), null);
    await runIngestion(repos, run.id, path.join(sharedData, file));
  }
  const { secret, displayPrefix } = generateSecret('key');
  apiKey = secret;
  await repos.apiKeys.create({
    name: 'risk test',
    prefix: displayPrefix,
    keyHash: sha256Hex(secret),
    createdBy: null,
  });
  engine = await startEngine(
    loadEngineConfig({ ...testEnv, ENGINE_PORT: '0', RISK_SYMBOL_LIMITS: 'SPY:0.5,amd:0.05' }),
    createLogger('engine-test', 'silent'),
  );
  // The model builds in the background after start; /healthz says when it is in force.
  for (let i = 0; i < 200; i++) {
    const health = (await fetch(`${engine.url}/healthz`).then((r) => r.json())) as any;
    if (health.components.find((c: any) => c.name === 'risk-model')?.state === 'up') break;
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await engine?.stop();
  await repos.db.close();
});

describe('POST /api/v1/risk/check', () => {
  it('requires a valid API key and POST', async () => {
    const body = { orders: [{ symbol: 'AAPL', deltaWeight: 0.01 }] };
    expect((await check(body, null)).status).toBe(401);
    expect((await check(body, 'tp_key_wrong')).body.error.code).toBe('UNAUTHENTICATED');
    expect((await check(undefined, apiKey, 'GET')).status).toBe(405);
  });

  it('answers 400 naming the bad field', async () => {
    const bad = await check({
      portfolio: { AAPL: 0.1 },
      orders: [
        { symbol: 'XOM', deltaWeight: 0.01 },
        { symbol: 'PFE', deltaWeight: 0.01 },
        { symbol: 'B A D', deltaWeight: 0.01 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_PARAMETER', field: 'orders[2].symbol' });
    expect(
      (await check({ portfolio: { AAPL: '10%' }, orders: [{ symbol: 'X', deltaWeight: 0 }] })).body.error
        .field,
    ).toBe('portfolio.AAPL');
    expect((await check({ orders: [{ symbol: 'AAPL', deltaWeight: null }] })).body.error.field).toBe(
      'orders[0].deltaWeight',
    );
    expect((await check('not json')).body.error.field).toBe('body');
  });

  it('approves a compliant order, with every rule and the model that answered', async () => {
    const { status, body } = await check({
      portfolio: { AAPL: 0.05, XOM: 0.05, JPM: 0.05 },
      orders: [{ symbol: 'pfe', deltaWeight: 0.05 }],
    });
    expect(status).toBe(200);
    expect(body.verdict).toBe('approve');
    expect(body.scale).toBe(1);
    expect(body.rules.map((r: any) => [r.rule, r.passed])).toEqual([
      ['concentration', true],
      ['symbol_limit', true],
      ['gross_exposure', true],
      ['net_exposure', true],
      ['var', true],
      ['correlation_cluster', true],
    ]);
    expect(body.orders[0]).toMatchObject({ symbol: 'PFE', approvedWeight: 0.05, scale: 1 });
    expect(body.postTrade.weights).toEqual({ AAPL: 0.05, XOM: 0.05, JPM: 0.05, PFE: 0.05 });
    expect(body.postTrade.var).toBeGreaterThan(0);
    expect(body.riskModel.asOf).toBe('2019-12-09'); // SPY runs longest
    expect(body.riskModel.symbols).toBeGreaterThanOrEqual(22);
  });

  it('resizes to the concentration limit and names the binding rule', async () => {
    const { body } = await check({
      portfolio: { AAPL: 0.2 },
      orders: [{ symbol: 'AAPL', deltaWeight: 0.1 }],
    });
    expect(body.verdict).toBe('resize');
    expect(body.bindingRule).toBe('concentration');
    expect(body.scale).toBeCloseTo(0.5, 12);
    expect(body.orders[0].approvedWeight).toBeCloseTo(0.25, 12);
    expect(rule(body, 'concentration')).toMatchObject({
      passed: false,
      binding: true,
      code: 'CONCENTRATION_EXCEEDS_MAX',
    });
  });

  it('applies per-symbol limits from RISK_SYMBOL_LIMITS, looser and tighter than the default', async () => {
    const spy = await check({ orders: [{ symbol: 'SPY', deltaWeight: 0.4 }] });
    expect(spy.body.verdict).toBe('approve');
    expect(rule(spy.body, 'symbol_limit')).toMatchObject({ passed: true, limit: 0.5, symbol: 'SPY' });
    const amd = await check({ orders: [{ symbol: 'AMD', deltaWeight: 0.1 }] });
    expect(amd.body).toMatchObject({ verdict: 'resize', bindingRule: 'symbol_limit' });
    expect(amd.body.orders[0].approvedWeight).toBeCloseTo(0.05, 12);
  });

  it('resizes a risky order so the 99% 1-day VaR lands on the 2.5% limit', async () => {
    const { body } = await check({
      portfolio: { SHLD: 0.15 },
      orders: [{ symbol: 'UAA', deltaWeight: 0.25 }],
    });
    expect(body.verdict).toBe('resize');
    expect(body.bindingRule).toBe('var');
    expect(Math.abs(rule(body, 'var').after - 0.025)).toBeLessThan(1e-9);
    expect(body.postTrade.var).toBe(rule(body, 'var').after);
  });

  it('caps a correlation cluster: GOOG, AAPL and FB move together', async () => {
    const { body } = await check({
      portfolio: { GOOG: 0.15, AAPL: 0.15 },
      orders: [{ symbol: 'FB', deltaWeight: 0.2 }],
    });
    expect(body.verdict).toBe('resize');
    expect(body.bindingRule).toBe('correlation_cluster');
    const cluster = rule(body, 'correlation_cluster');
    expect(cluster.cluster).toEqual(expect.arrayContaining(['GOOG', 'AAPL', 'FB']));
    expect(Math.abs(cluster.after - 0.4)).toBeLessThan(1e-9);
  });

  it('rejects an unknown symbol and adding to a breach, with the reasons', async () => {
    const unknown = await check({ orders: [{ symbol: 'NOSUCH', deltaWeight: 0.01 }] });
    expect(unknown.body).toMatchObject({
      verdict: 'reject',
      scale: 0,
      bindingRule: 'symbol_limit',
      unmodelled: ['NOSUCH'],
    });
    expect(rule(unknown.body, 'symbol_limit')).toMatchObject({ code: 'UNKNOWN_SYMBOL', symbol: 'NOSUCH' });

    const breach = await check({
      portfolio: { AAPL: 0.5, XOM: 0.5, JPM: 0.3 },
      orders: [{ symbol: 'PFE', deltaWeight: 0.05 }],
    });
    expect(breach.body.verdict).toBe('reject');
    expect(rule(breach.body, 'gross_exposure')).toMatchObject({
      passed: false,
      code: 'GROSS_EXPOSURE_EXCEEDS_MAX',
    });
    expect(breach.body.postTrade.weights.PFE).toBe(0);

    // Reducing the breach is accepted.
    const reduce = await check({
      portfolio: { AAPL: 0.5, XOM: 0.5, JPM: 0.3 },
      orders: [{ symbol: 'AAPL', deltaWeight: -0.2 }],
    });
    expect(reduce.body.verdict).toBe('approve');
  });

  it('reports the model on /healthz and rebuilds on refresh', async () => {
    const health = (await fetch(`${engine.url}/healthz`).then((r) => r.json())) as any;
    const component = health.components.find((c: any) => c.name === 'risk-model');
    expect(component.state).toBe('up');
    expect(component.detail).toMatch(/^\d+ symbols, \d+ clusters, returns to 2019-12-09$/);
    const before = engine.risk.snapshot;
    const info = await engine.risk.refresh();
    expect(engine.risk.snapshot).not.toBe(before);
    expect(info.asOf).toBe('2019-12-09');
  });
});
