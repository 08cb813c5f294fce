import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFile } from '../parsers/detect';
import { DATA_ROOT, HAS_DATA } from '../testing/dataRoot';
import { importPath, listImportFiles, type ImportProgress } from './importService';
import { MemoryBarSink } from './memoryBarSink';

const real = (rel: string) => readFileSync(path.join(DATA_ROOT, rel));
const realLines = (rel: string) => real(rel).toString('utf8').split('\n');

describe.skipIf(!HAS_DATA)('importPath on temp files built from real lines plus corrupted ones', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tp-marketdata-'));
    mkdirSync(path.join(dir, 'daily'));
    mkdirSync(path.join(dir, 'intraday'));
    const nvda = realLines('daily/nvda-1999-2014.csv');
    writeFileSync(
      path.join(dir, 'daily/nvda-1999-2014.csv'),
      [
        nvda[0], // 1 header
        nvda[1], // 2
        nvda[2], // 3
        '1999-01-27,1.8,1.7,1.75,1.78,1.6,100', // 4 high < low... (1.7 < 1.75)
        nvda[3], // 5
        '1999-01-29,1.8,1.9,1.7,1.85,1.7,-3', // 6 negative volume
        nvda[4], // 7
        nvda[2], // 8 duplicate of line 3
      ].join('\n'),
    );
    const wide = realLines('daily/stock_prices.csv');
    const badCell = wide[3]!.split(',');
    badCell[2] = 'abc'; // AAPL
    writeFileSync(
      path.join(dir, 'daily/stock_prices.csv'),
      [wide[0], wide[1], wide[2], badCell.join(','), wide[4]].join('\n'),
    );
    const candles = JSON.parse(real('intraday/UNITTEST_BTC-1m.json').toString('utf8')) as unknown[][];
    const json = candles.slice(0, 5);
    json.splice(2, 0, [candles[5]![0], 0.0016, 0.0015, 0.0016, 0.0016, 1]); // element 3: high < low
    writeFileSync(path.join(dir, 'intraday/UNITTEST_BTC-1m.json'), JSON.stringify(json));
    // Corrupt feather: the real file cut in half. Unknown-format CSV. Files to be skipped.
    const feather = real('intraday/ETH_BTC-5m.feather');
    writeFileSync(path.join(dir, 'intraday/ETH_BTC-5m.feather'), feather.subarray(0, feather.length >> 1));
    writeFileSync(path.join(dir, 'intraday/LTC_BTC-5m.feather'), real('intraday/LTC_BTC-5m.feather'));
    writeFileSync(path.join(dir, 'daily/mystery.csv'), 'foo,bar\n1,2\n');
    writeFileSync(path.join(dir, 'README.md'), '# not data\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    writeFileSync(path.join(dir, '.hidden.csv'), 'date,X\n2020-01-01,1\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('walks only known extensions, sorted', async () => {
    expect((await listImportFiles(dir)).map((f) => f.rel)).toEqual([
      'daily/mystery.csv',
      'daily/nvda-1999-2014.csv',
      'daily/stock_prices.csv',
      'intraday/ETH_BTC-5m.feather',
      'intraday/LTC_BTC-5m.feather',
      'intraday/UNITTEST_BTC-1m.json',
    ]);
  });

  it('keeps good rows, rejects bad ones with file/line/field, unparseable files are one reject', async () => {
    const sink = new MemoryBarSink();
    const events: ImportProgress[] = [];
    const s = await importPath(dir, sink, { batchSize: 1000, onProgress: (p) => events.push(p) });
    expect(s.files).toBe(6);
    const reasons = s.rejects.map((r) => `${r.file}#${r.line}: ${r.reason}`);
    expect(reasons).toEqual([
      expect.stringMatching(/^daily\/mystery\.csv#0: file not imported: unrecognised CSV header/),
      'daily/nvda-1999-2014.csv#4: line 4: column "High": high 1.7 < low 1.75',
      'daily/nvda-1999-2014.csv#6: line 6: column "Volume": negative: -3',
      'daily/nvda-1999-2014.csv#8: line 8: column "Date": duplicate timestamp 1999-01-25T00:00:00.000Z (first on line 3)',
      'daily/stock_prices.csv#4: line 4: column "AAPL": not a number: "abc"',
      expect.stringMatching(/^intraday\/ETH_BTC-5m\.feather#0: file not imported: corrupt Arrow IPC file/),
      'intraday/UNITTEST_BTC-1m.json#3: element 3 (array index 2): field "high": high 0.0015 < low 0.0016',
    ]);
    expect(s.rowsRejected).toBe(7);
    const byFile = Object.fromEntries(s.perFile.map((f) => [f.file, f]));
    expect(byFile['daily/nvda-1999-2014.csv']).toMatchObject({
      format: 'ohlcv-csv',
      rowsRead: 7,
      bars: 4,
      inserted: 4,
      rejected: 3,
    });
    expect(byFile['daily/stock_prices.csv']).toMatchObject({ rowsRead: 4, rejected: 1 });
    expect(byFile['intraday/ETH_BTC-5m.feather']).toMatchObject({ format: null, bars: 0, rejected: 1 });
    expect(byFile['intraday/ETH_BTC-5m.feather']!.error).toMatch(/corrupt Arrow IPC/);
    expect(byFile['intraday/LTC_BTC-5m.feather']).toMatchObject({ rowsRead: 5760, inserted: 5760 }); // continued after it
    expect(byFile['intraday/UNITTEST_BTC-1m.json']).toMatchObject({ rowsRead: 6, inserted: 5, rejected: 1 });
    expect(sink.bars('NVDA', '1d')).toHaveLength(4);
    expect(sink.bars('AAPL', '1d').map((b) => b.close)).toHaveLength(3);
    expect(s.rowsInserted).toBe(sink.size());
    // Progress: one 'batch' event per writeBars call, one 'file' event per file, totals monotone.
    expect(events.filter((e) => e.phase === 'batch')).toHaveLength(sink.writeCalls);
    expect(events.filter((e) => e.phase === 'file').map((e) => e.filesDone)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.at(-1)).toMatchObject({
      filesTotal: 6,
      rowsInserted: s.rowsInserted,
      rowsRejected: 7,
      rowsRead: s.rowsRead,
    });
    expect(
      events.filter((e) => e.file === 'intraday/LTC_BTC-5m.feather' && e.phase === 'batch'),
    ).toHaveLength(6);

    // Same files again: nothing new. Then one changed value: exactly one update.
    const again = await importPath(dir, sink);
    expect([again.rowsInserted, again.rowsUpdated]).toEqual([0, 0]);
    const nvda = realLines('daily/nvda-1999-2014.csv');
    const changed = nvda[1]!.split(',');
    changed[4] = '1.7'; // close
    const other = mkdtempSync(path.join(os.tmpdir(), 'tp-marketdata-upd-'));
    writeFileSync(path.join(other, 'nvda-1999-2014.csv'), [nvda[0], changed.join(',')].join('\n'));
    const third = await importPath(path.join(other, 'nvda-1999-2014.csv'), sink);
    rmSync(other, { recursive: true, force: true });
    expect(third).toMatchObject({ files: 1, rowsInserted: 0, rowsUpdated: 1, rowsRejected: 0 });
    expect(third.perFile[0]!.file).toBe('nvda-1999-2014.csv');
    expect(sink.bars('NVDA', '1d')[0]!.close).toBe(1.7);
  });

  it('a single file of unknown type is one reject, and the stored reject list is capped', async () => {
    const s = await importPath(path.join(dir, 'notes.txt'), new MemoryBarSink());
    expect(s.rejects).toEqual([
      { file: 'notes.txt', line: 0, reason: expect.stringMatching(/unknown file format "\.txt"/) },
    ]);
    const capped = await importPath(dir, new MemoryBarSink(), { maxRejects: 2 });
    expect(capped.rowsRejected).toBe(7);
    expect(capped.rejects).toHaveLength(2);
    expect(capped.rejectsTruncated).toBe(true);
  });

  it('sink failures abort the import', async () => {
    const sink = new MemoryBarSink();
    sink.writeBars = async () => {
      throw new Error('db down');
    };
    await expect(importPath(dir, sink)).rejects.toThrow('db down');
  });
});

describe.skipIf(!HAS_DATA)('importPath on all of ../shared/data', () => {
  const TOTAL_ROWS = 7126 + 6765 + 4012 + 5036 + 4965 + 13681 + 57546;
  const TOTAL_BARS = 106_931 + 6765 + 4012 + 5036 + 4965 + 13681 + 57546;

  it('is idempotent: the second import inserts 0 and updates 0', async () => {
    const sink = new MemoryBarSink();
    const first = await importPath(DATA_ROOT, sink);
    expect(first.files).toBe(16); // README.md skipped
    expect(first.rowsRead).toBe(TOTAL_ROWS);
    expect(first.rowsRejected).toBe(0);
    expect(first.rowsInserted).toBe(TOTAL_BARS);
    expect(first.rowsUpdated).toBe(0);
    expect(sink.instruments()).toHaveLength(20 + 1 + 3 + 1 + 10);
    expect(sink.instruments().find((i) => i.symbol === 'ETH-BTC')).toMatchObject({
      assetClass: 'crypto',
      quoteAsset: 'BTC',
    });
    const second = await importPath(DATA_ROOT, sink);
    expect(second).toMatchObject({ rowsRead: TOTAL_ROWS, rowsInserted: 0, rowsUpdated: 0, rowsRejected: 0 });
    expect(second.perFile.reduce((n, f) => n + f.unchanged, 0)).toBe(TOTAL_BARS);
    expect(sink.size()).toBe(TOTAL_BARS);
  });

  it('timing: parse all files, and import all into the memory sink (printed, not asserted)', async () => {
    const files = await listImportFiles(DATA_ROOT);
    const bytes = files.map((f) => [f.rel, readFileSync(f.abs)] as const);
    const t0 = performance.now();
    let bars = 0;
    for (const [rel, b] of bytes) for (const s of parseFile(rel, b).series) bars += s.bars.length;
    const parseMs = performance.now() - t0;
    const s = await importPath(DATA_ROOT, new MemoryBarSink());
    console.log(
      `[marketdata] parse only: ${files.length} files, ${bars} bars in ${parseMs.toFixed(0)} ms; ` +
        `importPath → MemoryBarSink: ${s.rowsInserted} bars in ${s.durationMs.toFixed(0)} ms ` +
        `(${s.perFile.map((f) => `${path.basename(f.file)} ${f.durationMs.toFixed(0)}ms`).join(', ')})`,
    );
    expect(bars).toBe(TOTAL_BARS);
  });
});
