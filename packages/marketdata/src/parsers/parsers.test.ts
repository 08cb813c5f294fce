import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_ROOT, HAS_DATA } from '../testing/dataRoot';
import { detectFormat, parseFile } from './detect';
import { UnparseableFileError, type ParseResult, type ParsedSeries } from './types';

const read = (rel: string) => readFileSync(path.join(DATA_ROOT, rel));
const parseReal = (rel: string) => parseFile(rel, read(rel));
const one = (r: ParseResult): ParsedSeries => {
  expect(r.series).toHaveLength(1);
  return r.series[0]!;
};
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const sorted = (s: ParsedSeries) => s.bars.every((b, i) => i === 0 || b.ts > s.bars[i - 1]!.ts);

/** First/last data line of a CSV, split (for comparing parsed bars with the raw text). */
function rawLines(rel: string): [string[], string[]] {
  const lines = read(rel).toString('utf8').trim().split('\n');
  return [lines[1]!.trim().split(','), lines.at(-1)!.trim().split(',')];
}

describe.skipIf(!HAS_DATA)('parsers on the real files in ../shared/data', () => {
  it('stock_prices.csv: wide close CSV, 7,126 rows, 20 tickers, empty cells skipped', () => {
    const r = parseReal('daily/stock_prices.csv');
    expect(r.format).toBe('wide-close-csv');
    expect(r.rowsRead).toBe(7126); // README: 7,126 rows
    expect(r.rejects).toEqual([]);
    expect(r.series.map((s) => s.symbol)).toEqual(
      'GOOG AAPL FB BABA AMZN GE AMD WMT BAC GM T UAA SHLD XOM RRC BBY MA PFE JPM SBUX'.split(' '),
    );
    const bars = r.series.reduce((n, s) => n + s.bars.length, 0);
    expect(bars).toBe(106_931);
    expect(r.cellsEmpty).toBe(35_589);
    expect(bars + r.cellsEmpty).toBe(7126 * 20);
    for (const s of r.series) {
      expect(s).toMatchObject({ timeframe: '1d', assetClass: 'equity', quoteAsset: 'USD' });
      expect(sorted(s)).toBe(true);
    }
    const bySym = new Map(r.series.map((s) => [s.symbol, s]));
    const aapl = bySym.get('AAPL')!;
    expect(aapl.bars).toHaveLength(7126);
    expect(aapl.bars[0]).toEqual({
      ts: day('1989-12-29'),
      open: 0.117203,
      high: 0.117203,
      low: 0.117203,
      close: 0.117203,
      volume: null,
    });
    expect(aapl.bars.at(-1)).toMatchObject({ ts: day('2018-04-11'), close: 172.440002 });
    // FB listed 2012-05-18: the 5,643 empty cells before are skipped, its first bar is in 2012.
    const fb = bySym.get('FB')!;
    expect(fb.bars).toHaveLength(1483);
    expect(new Date(fb.bars[0]!.ts).getUTCFullYear()).toBe(2012);
    expect(fb.bars[0]).toMatchObject({ ts: day('2012-05-18'), close: 38.23 });
    expect(bySym.get('BABA')!.bars[0]!.ts).toBe(day('2014-09-19'));
    expect(bySym.get('GM')!.bars[0]!.ts).toBe(day('2010-11-18'));
    expect(bySym.get('SBUX')!.bars.at(-1)!.close).toBe(59.419998);
  });

  it('spy_prices.csv: 6,765 rows, SPY is an ETF', () => {
    const r = parseReal('daily/spy_prices.csv');
    expect(r.rowsRead).toBe(6765);
    const s = one(r);
    expect(s).toMatchObject({ symbol: 'SPY', assetClass: 'etf', quoteAsset: 'USD', timeframe: '1d' });
    expect(s.bars).toHaveLength(6765);
    expect(s.bars[0]).toMatchObject({ ts: day('1993-01-29'), close: 26.583992, volume: null });
    // The README's table says the span ends 2018-04-11; the file actually runs to 2019-12-09.
    expect(s.bars.at(-1)).toMatchObject({ ts: day('2019-12-09'), close: 313.880005 });
  });

  it.each([
    ['daily/nvda-1999-2014.csv', 'NVDA', 4012],
    ['daily/orcl-1995-2014.csv', 'ORCL', 5036],
    ['daily/yhoo-1996-2015.csv', 'YHOO', 4965],
  ])('%s: OHLCV CSV, symbol %s, %i rows, first/last bar equal the raw text', (rel, symbol, rows) => {
    const r = parseReal(rel);
    expect(r.format).toBe('ohlcv-csv');
    expect(r.rowsRead).toBe(rows);
    expect(r.rejects).toEqual([]);
    const s = one(r);
    expect(s).toMatchObject({ symbol, assetClass: 'equity', quoteAsset: 'USD', timeframe: '1d' });
    expect(s.bars).toHaveLength(rows);
    expect(sorted(s)).toBe(true);
    const [first, last] = rawLines(rel);
    for (const [raw, bar] of [
      [first, s.bars[0]!],
      [last, s.bars.at(-1)!],
    ] as const) {
      expect(bar).toEqual({
        ts: day(raw[0]!),
        open: Number(raw[1]),
        high: Number(raw[2]),
        low: Number(raw[3]),
        close: Number(raw[4]),
        volume: Number(raw[6]),
      });
    }
  });

  it('nvda literal spot check', () => {
    const s = one(parseReal('daily/nvda-1999-2014.csv'));
    expect(s.bars[0]).toEqual({
      ts: day('1999-01-22'),
      open: 1.75,
      high: 1.953125,
      low: 1.552083,
      close: 1.640625,
      volume: 67867200,
    });
    expect(s.bars.at(-1)).toEqual({
      ts: day('2014-12-31'),
      open: 20.4,
      high: 20.51,
      low: 19.99,
      close: 20.049999,
      volume: 4157500,
    });
  });

  it('UNITTEST_BTC-1m.json: 13,681 candles, symbol UNITTEST-BTC, 1m', () => {
    const r = parseReal('intraday/UNITTEST_BTC-1m.json');
    expect(r.format).toBe('json-candles');
    expect(r.rowsRead).toBe(13681);
    expect(r.rejects).toEqual([]);
    const s = one(r);
    expect(s).toMatchObject({
      symbol: 'UNITTEST-BTC',
      quoteAsset: 'BTC',
      assetClass: 'crypto',
      timeframe: '1m',
    });
    expect(s.bars).toHaveLength(13681);
    expect(sorted(s)).toBe(true);
    expect(s.bars[0]).toEqual({
      ts: 1509836520000,
      open: 0.00162008,
      high: 0.00162008,
      low: 0.00162008,
      close: 0.00162008,
      volume: 108.14853839,
    });
    expect(s.bars.at(-1)).toEqual({
      ts: 1510700340000,
      open: 0.00270001,
      high: 0.00270002,
      low: 0.00270001,
      close: 0.00270002,
      volume: 1.94577668,
    });
    expect(new Date(s.bars[0]!.ts).toISOString()).toBe('2017-11-04T23:02:00.000Z');
    expect(s.bars.every((b) => b.ts % 60_000 === 0)).toBe(true);
  });

  // Observed row counts (README: "~5,760 each"); a few pairs miss some 5-minute bars.
  const featherRows: Record<string, number> = {
    ADA: 5720,
    DASH: 5758,
    ETC: 5759,
    ETH: 5760,
    LTC: 5760,
    NXT: 5760,
    TRX: 5754,
    XLM: 5760,
    XMR: 5758,
    ZEC: 5757,
  };
  it.each(Object.entries(featherRows))('%s_BTC-5m.feather: %i rows, LZ4 batches decoded', (base, rows) => {
    const r = parseReal(`intraday/${base}_BTC-5m.feather`);
    expect(r.format).toBe('feather');
    expect(r.rowsRead).toBe(rows);
    expect(r.rejects).toEqual([]);
    const s = one(r);
    expect(s).toMatchObject({
      symbol: `${base}-BTC`,
      quoteAsset: 'BTC',
      assetClass: 'crypto',
      timeframe: '5m',
    });
    expect(s.bars).toHaveLength(rows);
    expect(sorted(s)).toBe(true);
    expect(new Date(s.bars[0]!.ts).toISOString()).toBe('2018-01-10T04:55:00.000Z');
    expect(s.bars.every((b) => b.ts % 300_000 === 0 && b.volume !== null && b.volume >= 0)).toBe(true);
    expect(s.bars.at(-1)!.ts).toBeLessThanOrEqual(Date.parse('2018-01-30T04:50:00Z'));
  });

  it('ETH_BTC-5m.feather first/last bar (first row matches freqtrade ETH_BTC-5m.json)', () => {
    const s = one(parseReal('intraday/ETH_BTC-5m.feather'));
    expect(s.bars[0]).toEqual({
      ts: 1515560100000,
      open: 0.0984,
      high: 0.0994766,
      low: 0.09828605,
      close: 0.0994766,
      volume: 1820.54447418,
    });
    expect(s.bars.at(-1)!.ts).toBe(Date.parse('2018-01-30T04:50:00Z'));
    expect(s.bars.length).toBe((Date.parse('2018-01-30T04:50:00Z') - 1515560100000) / 300_000 + 1);
  });

  it('detectFormat recognises every real file from its name and first bytes', () => {
    expect(detectFormat('stock_prices.csv', read('daily/stock_prices.csv').subarray(0, 4096))).toBe(
      'wide-close-csv',
    );
    expect(detectFormat('spy_prices.csv', read('daily/spy_prices.csv').subarray(0, 64))).toBe(
      'wide-close-csv',
    );
    expect(detectFormat('nvda-1999-2014.csv', read('daily/nvda-1999-2014.csv').subarray(0, 64))).toBe(
      'ohlcv-csv',
    );
    expect(detectFormat('UNITTEST_BTC-1m.json', read('intraday/UNITTEST_BTC-1m.json').subarray(0, 16))).toBe(
      'json-candles',
    );
    expect(detectFormat('ETH_BTC-5m.feather', read('intraday/ETH_BTC-5m.feather').subarray(0, 16))).toBe(
      'feather',
    );
  });
});

describe('detectFormat / parseFile errors', () => {
  it('unknown extension → clear error', () => {
    expect(() => detectFormat('README.md', '# hi')).toThrow(UnparseableFileError);
    expect(() => detectFormat('prices.parquet', 'PAR1')).toThrow(
      /unknown file format "\.parquet".*\.csv \.json \.feather/,
    );
  });
  it('unrecognised CSV header → clear error', () => {
    expect(() => detectFormat('x.csv', 'foo,bar\n1,2\n')).toThrow(
      /unrecognised CSV header.*first column must be a date/,
    );
    expect(() => detectFormat('x.csv', 'Date,Open,Close\n')).toThrow(
      /some but not all of open\/high\/low\/close/,
    );
  });
  it('feather without Arrow magic, JSON that is not an array, bad pair file name', () => {
    expect(() => parseFile('ETH_BTC-5m.feather', new TextEncoder().encode('garbage garbage'))).toThrow(
      /not an Arrow IPC/,
    );
    expect(() => parseFile('ETH_BTC-5m.json', '{"a":1}')).toThrow(/not an array/);
    expect(() => parseFile('ETH_BTC-5m.json', '[[1,2')).toThrow(/invalid JSON/);
    expect(() => parseFile('ethbtc.json', '[]')).toThrow(/does not match \{BASE\}_\{QUOTE\}-\{timeframe\}/);
  });
});

describe('row validation (in-memory text)', () => {
  const ohlcv = [
    'Date,Open,High,Low,Close,Adj Close,Volume',
    '2014-12-29,20.1,20.4,20.0,20.3,20.3,100', // 2 ok
    '2014-12-30,abc,20.5,20.3,20.4,20.4,100', // 3 open not a number
    '2014-12-31,20.4,20.0,20.3,20.4,20.4,100', // 4 high < low
    '2015-01-02,20.4,20.6,20.3,20.7,20.7,100', // 5 high < close
    '2015-01-05,20.4,20.9,20.5,20.7,20.7,100', // 6 low > open
    '2015-01-06,20.4,20.9,20.3,20.7,20.7,-5', // 7 negative volume
    '2015-02-30,20.4,20.9,20.3,20.7,20.7,5', // 8 bad date
    '2015-01-07,0,20.9,20.3,20.7,20.7,5', // 9 non-positive open
    '2015-01-08,20.4,1e999,20.3,20.7,20.7,5', // 10 non-finite high
    '2014-12-29,20.1,20.4,20.0,20.3,20.3,100', // 11 duplicate of line 2
    '',
    '2014-12-26,20.0,20.2,19.9,20.1,20.1,', // 13 ok, empty volume → null, out of order
    '2015-01-09,20.4,20.9', // 14 too few columns
    '2015-01-12,NaN,20.9,20.3,20.7,20.7,5', // 15 NaN
    '2015-01-13,"20.4"x,20.9,20.3,20.7,20.7,5', // 16 malformed quoting
    '2015-01-14,"20.4",20.9,20.3,20.7,20.7,5', // 17 ok (quoted)
  ].join('\r\n');

  it('OHLCV CSV: good rows kept and sorted, each bad row one reject naming line and column', () => {
    const r = parseFile('test-2014.csv', ohlcv);
    expect(r.rowsRead).toBe(15); // 16 lines after the header, one blank
    const s = r.series[0]!;
    expect(s.symbol).toBe('TEST');
    expect(s.bars.map((b) => new Date(b.ts).toISOString().slice(0, 10))).toEqual([
      '2014-12-26',
      '2014-12-29',
      '2015-01-14',
    ]);
    expect(s.bars[0]!.volume).toBeNull();
    expect(r.rejects.map((x) => x.reason)).toEqual([
      'line 3: column "Open": not a number: "abc"',
      'line 4: column "High": high 20 < low 20.3',
      'line 5: column "High": high 20.6 < max(open, close) 20.7',
      'line 6: column "Low": low 20.5 > min(open, close) 20.4',
      'line 7: column "Volume": negative: -5',
      'line 8: column "Date": bad date: "2015-02-30" (expected YYYY-MM-DD)',
      'line 9: column "Open": not positive: 0',
      'line 10: column "High": not finite: "1e999"',
      'line 11: column "Date": duplicate timestamp 2014-12-29T00:00:00.000Z (first on line 2)',
      'line 14: expected 7 columns, got 3',
      'line 15: column "Open": not a number: "NaN"',
      'line 16: malformed CSV quoting',
    ]);
    expect(r.rejects.every((x) => x.file === 'test-2014.csv')).toBe(true);
    expect(r.rejects.map((x) => x.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16]);
    expect(r.rejects[0]!.field).toBe('Open');
  });

  it('wide CSV: a bad cell rejects only that cell; empty cells are not rejects', () => {
    const text = [
      'date,AAA,SPY',
      '2020-01-02,1.5,',
      '2020-01-03,abc,300',
      '2020-01-03,2,2',
      'bad,1,1',
      '2020-01-01,,-1',
    ].join('\n');
    const r = parseFile('prices.csv', text);
    expect(r.format).toBe('wide-close-csv');
    expect(r.rowsRead).toBe(5);
    expect(r.cellsEmpty).toBe(2);
    expect(r.series.map((s) => [s.symbol, s.assetClass, s.bars.length])).toEqual([
      ['AAA', 'equity', 1],
      ['SPY', 'etf', 1],
    ]);
    expect(r.rejects.map((x) => x.reason)).toEqual([
      'line 3: column "AAA": not a number: "abc"',
      'line 4: column "date": duplicate timestamp 2020-01-03T00:00:00.000Z (first on line 3)',
      'line 5: column "date": bad date: "bad" (expected YYYY-MM-DD)',
      'line 6: column "SPY": not positive: -1',
    ]);
  });

  it('JSON candles: rejects located by element (index + 1)', () => {
    const text = JSON.stringify([
      [1509836520000, 1, 2, 0.5, 1.5, 10],
      [1509836580000, 1, 2, 0.5, 1.5, -1],
      [1509836520000, 1, 2, 0.5, 1.5, 10],
      [1509836640000, 'x', 2, 0.5, 1.5, 10],
      [1509836700, 1, 2, 0.5, 1.5, 10],
      [1509836760000, 1, 2, 0.5],
      [1509836460000, 1, 2, 0.5, 1.5, 0],
    ]);
    const r = parseFile('FOO_USDT-1m.json', text);
    expect(r.series[0]).toMatchObject({ symbol: 'FOO-USDT', quoteAsset: 'USDT', timeframe: '1m' });
    expect(r.series[0]!.bars.map((b) => b.ts)).toEqual([1509836460000, 1509836520000]);
    expect(r.rejects.map((x) => x.reason)).toEqual([
      'element 2 (array index 1): field "volume": negative: -1',
      'element 3 (array index 2): field "ts": duplicate timestamp 2017-11-04T23:02:00.000Z (first at element 1)',
      'element 4 (array index 3): field "open": not a number: "x"',
      'element 5 (array index 4): field "ts": timestamp out of range (1971..2100 in epoch ms): 1509836700',
      'element 6 (array index 5): expected [ts, open, high, low, close, volume], got [1509836760000,1,2,0.5]',
    ]);
    expect(r.rejects.map((x) => x.line)).toEqual([2, 3, 4, 5, 6]);
  });
});
