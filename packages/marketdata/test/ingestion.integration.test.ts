import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openRepositories } from '@tradeplane/db';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedData, testEnv } from '../../../test/stack';
import { runIngestion } from '../src';

const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 4 });
afterAll(() => repos.db.close());

async function barCount(): Promise<number> {
  const { rows } = await repos.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM bars');
  return Number(rows[0]!.n);
}

async function importOnce(target: string) {
  const run = await repos.ingestionRuns.create(target, null);
  const updated: string[] = [];
  const finished = await runIngestion(repos, run.id, target, {
    onSeriesUpdated: (s, tf) => void updated.push(`${s}/${tf}`),
  });
  return { finished, updated };
}

describe('importing ../shared/data into PostgreSQL', () => {
  it('stores every bar of every format, and a second import changes nothing', async () => {
    await repos.db.pool.query('TRUNCATE bars, instruments RESTART IDENTITY CASCADE');
    const started = performance.now();
    const first = await importOnce(sharedData);
    const seconds = (performance.now() - started) / 1000;
    console.log(`imported all of ../shared/data in ${seconds.toFixed(2)} s`);

    expect(first.finished.status).toBe('succeeded');
    expect(first.finished.rowsRejected).toBe(0);
    expect(first.finished.rowsInserted).toBe(198_936);
    expect(await barCount()).toBe(198_936);
    expect(first.updated).toContain('SPY/1d');
    expect(first.updated).toContain('ETH-BTC/5m');
    expect(first.updated).toContain('UNITTEST-BTC/1m');

    // Spot checks against the raw files: the first SPY row and FB's first (late) listing.
    const spy = (await repos.instruments.findBySymbol('SPY'))!;
    const spyBars = await repos.bars.page(spy.id, '1d', { limit: 1 });
    const firstLine = (await readFile(path.join(sharedData, 'daily/spy_prices.csv'), 'utf8')).split('\n')[1]!;
    expect(spyBars.rows[0]!.close).toBeCloseTo(Number(firstLine.split(',')[1]), 9);
    const fb = (await repos.instruments.findBySymbol('FB'))!;
    expect(
      new Date((await repos.bars.page(fb.id, '1d', { limit: 1 })).rows[0]!.ts).toISOString().slice(0, 10),
    ).toBe('2012-05-18');

    const second = await importOnce(sharedData);
    expect(second.finished).toMatchObject({
      status: 'succeeded',
      rowsInserted: 0,
      rowsUpdated: 0,
      rowsRead: first.finished.rowsRead,
    });
    expect(second.updated).toEqual([]); // nothing changed: no cache invalidation either
    expect(await barCount()).toBe(198_936);
  });

  it('keeps the good rows of a file with bad ones and reports each bad row with file, line and reason', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tp-ingest-'));
    const real = (await readFile(path.join(sharedData, 'daily/nvda-1999-2014.csv'), 'utf8')).split('\n');
    const lines = [
      real[0],
      real[1],
      real[2],
      '2099-13-40,1,2,1,1,1,100',
      real[3],
      `${real[4]!.split(',')[0]},abc,1,1,1,1,5`,
      real[5],
    ];
    const file = path.join(dir, 'zzbad-2000.csv');
    await writeFile(file, lines.join('\n') + '\n');

    const { finished } = await importOnce(file);
    expect(finished.status).toBe('succeeded');
    expect(finished.rowsRejected).toBe(2);
    expect(finished.rowsInserted).toBe(4);
    const rejects = finished.rejects as Array<{ file: string; line: number; reason: string }>;
    expect(rejects.map((r) => r.line)).toEqual([4, 6]);
    expect(rejects[0]!.file).toContain('zzbad-2000.csv');
    expect(rejects[1]!.reason).toMatch(/Open/i);
    const inst = (await repos.instruments.findBySymbol('ZZBAD'))!;
    expect(await repos.bars.count(inst.id, '1d')).toBe(4);
  });

  it('marks the run failed with the reason when the path does not exist', async () => {
    const target = path.join(os.tmpdir(), 'tp-no-such-dir');
    const run = await repos.ingestionRuns.create(target, null);
    await expect(runIngestion(repos, run.id, target)).rejects.toThrow();
    const stored = (await repos.ingestionRuns.get(run.id))!;
    expect(stored.status).toBe('failed');
    expect(stored.error).toMatch(/tp-no-such-dir|ENOENT/);
  });
});
