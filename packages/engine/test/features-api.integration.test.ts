import path from 'node:path';
import { openRepositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import { createCacheConnection, createLogger, generateSecret, sha256Hex } from '@tradeplane/platform';
import { featureVectorAt } from '@tradeplane/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData, stack, testEnv } from '../../../test/stack';
import { loadEngineConfig, startEngine, type RunningEngine } from '../src';

const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 2 });
let engine: RunningEngine;
let apiKey: string;

async function get(pathname: string, key: string | null = apiKey) {
  const res = await fetch(engine.url + pathname, { headers: key ? { 'x-api-key': key } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  // Start from a cold cache so the tier assertions hold on every run (it is only a cache).
  const cache = createCacheConnection(testEnv.REDIS_CACHE_URL!, { enableOfflineQueue: true });
  await cache.flushdb();
  cache.disconnect();
  for (const file of ['daily/spy_prices.csv', 'daily/nvda-1999-2014.csv']) {
    const run = await repos.ingestionRuns.create(path.join(sharedData, file), null);
    await runIngestion(repos, run.id, path.join(sharedData, file));
  }
  const { secret, displayPrefix } = generateSecret('key');
  apiKey = secret;
  await repos.apiKeys.create({
    name: 'features test',
    prefix: displayPrefix,
    keyHash: sha256Hex(secret),
    createdBy: null,
  });
  engine = await startEngine(
    loadEngineConfig({ ...testEnv, ENGINE_PORT: '0', LEAKAGE_SAMPLE_RATE: '1' }),
    createLogger('engine-test', 'silent'),
  );
});

afterAll(async () => {
  await engine?.stop();
  await repos.db.close();
});

describe('GET /api/v1/features/{symbol}/{timeframe}', () => {
  it('serves the point-in-time vector at the last bar at or before asOf', async () => {
    // 2008-10-11 is a Saturday: the vector must come from Friday 2008-10-10's bar, never later.
    const { status, body } = await get('/api/v1/features/SPY/1d?asOf=2008-10-11T12:00:00Z');
    expect(status).toBe(200);
    expect(body.barTime).toBe('2008-10-10T00:00:00.000Z');
    expect(body.asOf).toBe('2008-10-11T12:00:00.000Z');
    expect(Object.keys(body.values)).toHaveLength(9);
    expect(body.values.drawdown).toBeLessThan(-0.3); // deep in the 2008 crash
    expect(body.values.volumeZ20).toBeNull(); // SPY file has no volume

    // Same numbers as computing from the bars truncated at that date.
    const instrument = (await repos.instruments.findBySymbol('SPY'))!;
    const truncated = await repos.bars.loadColumns(instrument.id, '1d', Date.parse('2008-10-10T00:00:00Z'));
    const expected = featureVectorAt(truncated, truncated.ts.length - 1);
    for (const [name, value] of Object.entries(expected)) {
      if (value === null) expect(body.values[name]).toBeNull();
      else expect(body.values[name]).toBeCloseTo(value, 12);
    }
  });

  it('answers from the in-memory columns, with the same values in a fresh process', async () => {
    const first = await get('/api/v1/features/NVDA/1d?asOf=2010-06-01');
    const second = await get('/api/v1/features/NVDA/1d?asOf=2010-06-01');
    expect(['load', 'memory']).toContain(first.body.source); // 'load' unless the risk model loaded NVDA first
    expect(second.body.source).toBe('memory');
    expect(second.body.values).toEqual(first.body.values);
    expect(first.body.values.volumeZ20).toEqual(expect.any(Number));

    const other = await startEngine(
      loadEngineConfig({ ...testEnv, ENGINE_PORT: '0' }),
      createLogger('engine-test-2', 'silent'),
    );
    try {
      const res = await fetch(`${other.url}/api/v1/features/NVDA/1d?asOf=2010-06-01`, {
        headers: { 'x-api-key': apiKey },
      });
      const body = (await res.json()) as Record<string, any>;
      expect(body.values).toEqual(first.body.values);
    } finally {
      await other.stop();
    }
  });

  it('defaults asOf to now: the latest bar', async () => {
    const { body } = await get('/api/v1/features/SPY/1d');
    expect(body.barTime).toBe('2019-12-09T00:00:00.000Z'); // the file runs past the data README's stated end
  });

  it('returns 404 for an unknown symbol and for an asOf before the first bar', async () => {
    const unknown = await get('/api/v1/features/NOSUCH/1d');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_SYMBOL', field: 'symbol' });
    const early = await get('/api/v1/features/SPY/1d?asOf=1990-01-01');
    expect(early.status).toBe(404);
    expect(early.body.error.code).toBe('NO_DATA');
  });

  it('returns 400 naming the bad parameter', async () => {
    expect((await get('/api/v1/features/SPY/2w')).body.error).toMatchObject({
      code: 'INVALID_PARAMETER',
      field: 'timeframe',
    });
    expect((await get('/api/v1/features/SPY/1d?asOf=tomorrow')).body.error).toMatchObject({ field: 'asOf' });
    expect((await get('/api/v1/features/SPY/1d?asOf=tomorrow')).status).toBe(400);
    expect((await get('/api/v1/features/S%20P%20Y/1d')).body.error).toMatchObject({ field: 'symbol' });
  });

  it('requires a valid API key', async () => {
    expect((await get('/api/v1/features/SPY/1d', null)).status).toBe(401);
    expect((await get('/api/v1/features/SPY/1d', 'tp_key_wrong')).status).toBe(401);
  });

  it('serves a feature series for charts, aligned with bar times', async () => {
    const { status, body } = await get('/api/v1/features/SPY/1d/series?from=2008-01-01&to=2008-12-31');
    expect(status).toBe(200);
    expect(body.times.length).toBe(253);
    for (const f of body.features) expect(f.values).toHaveLength(body.times.length);
  });

  it('found no lookahead in the sampled production checks', () => {
    expect(engine.leakage.checked).toBeGreaterThan(0);
    expect(engine.leakage.alarms).toEqual([]);
  });
});

describe('with Redis stopped', () => {
  it('answers the same vectors from memory, at once: features do not depend on Redis', async () => {
    const before = await get('/api/v1/features/SPY/1d?asOf=2001-09-20');
    stack('down', 'redis');
    try {
      const started = performance.now();
      const during = await get('/api/v1/features/SPY/1d?asOf=2001-09-20');
      const other = await get('/api/v1/features/SPY/1d?asOf=1999-03-01');
      expect(during.status).toBe(200);
      expect(during.body.source).toBe('memory');
      expect(during.body.values).toEqual(before.body.values);
      expect(other.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(2000); // nothing waits on Redis
      const health = await fetch(`${engine.url}/healthz`).then((r) => r.json() as Promise<any>);
      expect(health.components.find((c: any) => c.name === 'features').state).toBe('up');
      expect(health.components.find((c: any) => c.name === 'redis-cache')).toBeUndefined();
    } finally {
      stack('up', 'redis');
    }
    const after = await get('/api/v1/features/SPY/1d?asOf=2001-09-20');
    expect(after.body).toEqual({ ...before.body, source: 'memory' });
  });
});
