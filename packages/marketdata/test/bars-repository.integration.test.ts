import path from 'node:path';
import { openRepositories, type BarColumns } from '@tradeplane/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData, testEnv } from '../../../test/stack';
import { runIngestion } from '../src';

// BarsRepository.loadUniverseColumns against real PostgreSQL: one query for many series must
// give, per symbol, exactly what loadColumns gives for that instrument alone.
const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 2 });
afterAll(() => repos.db.close());

const ms = (iso: string) => Date.parse(iso);
const series = (rows: Array<[string, number, number | null]>): BarColumns => ({
  ts: Float64Array.from(rows, ([t]) => ms(t)),
  open: Float64Array.from(rows, ([, c]) => c - 0.5),
  high: Float64Array.from(rows, ([, c]) => c + 1.25),
  low: Float64Array.from(rows, ([, c]) => c - 1.125),
  close: Float64Array.from(rows, ([, c]) => c),
  volume: rows.some(([, , v]) => v !== null) ? Float64Array.from(rows, ([, , v]) => v ?? NaN) : null,
});

// Out of time order on purpose, across yearly partitions, before 1970 (bars_default, a
// negative epoch) and with a millisecond timestamp; one bar without volume among bars with.
const WITH_VOLUME = series([
  ['2001-01-03T00:00:00.000Z', 104.1, 1_500],
  ['1969-12-31T00:00:00.000Z', 1 / 3, 7],
  ['1999-12-31T00:00:00.000Z', 101.7, 1_000.5],
  ['2000-06-30T12:34:56.789Z', 102.3, null],
  ['2000-01-03T00:00:00.000Z', Math.PI, 2_000],
]);
const CLOSE_ONLY = series([
  ['2000-01-04T00:00:00.000Z', 50.25, null],
  ['2000-01-03T00:00:00.000Z', 50, null],
]);
const A = 'ZZUNIV-A';
const B = 'ZZUNIV-B';
const HOURLY_ONLY = 'ZZUNIV-H';

async function instrumentId(symbol: string): Promise<number> {
  return (await repos.instruments.ensure({ symbol, assetClass: 'equity', quoteAsset: 'USD' })).id;
}

beforeAll(async () => {
  const ids = [await instrumentId(A), await instrumentId(B), await instrumentId(HOURLY_ONLY)];
  await repos.db.pool.query('DELETE FROM bars WHERE instrument_id = ANY($1)', [ids]);
  await repos.bars.upsert(ids[0]!, '1d', WITH_VOLUME);
  await repos.bars.upsert(ids[1]!, '1d', CLOSE_ONLY);
  await repos.bars.upsert(ids[2]!, '1h', CLOSE_ONLY);
});

const expectSame = (actual: BarColumns | undefined, expected: BarColumns) => {
  expect(actual).toBeDefined();
  // toEqual on typed arrays compares element by element with Object.is: NaN equals NaN, bits must match.
  expect(actual).toEqual(expected);
};

describe('BarsRepository.loadUniverseColumns', () => {
  it('reads every series in one query, each as loadColumns reads it alone', async () => {
    const read = await repos.bars.loadUniverseColumns([B, 'ZZUNIV-NOPE', A, HOURLY_ONLY], '1d');

    expect([...read.series.keys()].sort()).toEqual([A, B, HOURLY_ONLY]);
    const a = read.series.get(A)!;
    expectSame(a, await repos.bars.loadColumns(await instrumentId(A), '1d'));
    expectSame(read.series.get(B), await repos.bars.loadColumns(await instrumentId(B), '1d'));
    // Oldest first, exact to the millisecond, before 1970 included; the missing volume is NaN.
    expect(Array.from(a.ts, (t) => new Date(t).toISOString())).toEqual([
      '1969-12-31T00:00:00.000Z',
      '1999-12-31T00:00:00.000Z',
      '2000-01-03T00:00:00.000Z',
      '2000-06-30T12:34:56.789Z',
      '2001-01-03T00:00:00.000Z',
    ]);
    expect(Array.from(a.close)).toEqual([1 / 3, 101.7, Math.PI, 102.3, 104.1]);
    expect(Array.from(a.volume!)).toEqual([7, 1_000.5, 2_000, NaN, 1_500]);
    expect(read.series.get(B)!.volume).toBeNull();
    // An instrument without bars of the timeframe is present and empty; unknown symbols are absent.
    expect(read.series.get(HOURLY_ONLY)).toEqual({
      ts: new Float64Array(0),
      open: new Float64Array(0),
      high: new Float64Array(0),
      low: new Float64Array(0),
      close: new Float64Array(0),
      volume: null,
    });
    expect(read.bars).toBe(7);
    for (const value of Object.values(read.timings)) expect(value).toBeGreaterThanOrEqual(0);
  });

  it('stops at untilMs inclusive, like loadColumns', async () => {
    const until = ms('2000-06-30T12:34:56.789Z');
    const read = await repos.bars.loadUniverseColumns([A, B], '1d', until);
    expectSame(read.series.get(A), await repos.bars.loadColumns(await instrumentId(A), '1d', until));
    expect(read.series.get(A)!.ts.at(-1)).toBe(until);
    expect(read.series.get(B)!.ts.length).toBe(2);
    expect(read.bars).toBe(6);
  });

  it('returns nothing for no symbols', async () => {
    const read = await repos.bars.loadUniverseColumns([], '1d');
    expect(read.series.size).toBe(0);
    expect(read.bars).toBe(0);
  });

  it('matches loadColumns bit for bit on the real daily data', async () => {
    const file = path.join(sharedData, 'daily/spy_prices.csv');
    await runIngestion(repos, (await repos.ingestionRuns.create(file, null)).id, file);
    const spy = (await repos.instruments.findBySymbol('SPY'))!;
    const until = ms('2018-12-31T23:59:59.999Z');
    const read = await repos.bars.loadUniverseColumns(['SPY', A], '1d', until);
    const alone = await repos.bars.loadColumns(spy.id, '1d', until);
    expect(alone.ts.length).toBeGreaterThan(6_000);
    expectSame(read.series.get('SPY'), alone);
    expect(read.bars).toBe(alone.ts.length + 5);
  });
});
