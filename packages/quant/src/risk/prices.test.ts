import { describe, expect, it } from 'vitest';
import { loadWidePrices } from '../testing/wide-prices';
import { parseWidePrices, WidePricesError } from './prices';

const TICKERS = 'GOOG AAPL FB BABA AMZN GE AMD WMT BAC GM T UAA SHLD XOM RRC BBY MA PFE JPM SBUX'.split(' ');

describe('parseWidePrices', () => {
  it('reads dates, columns and prices; empty cells are NaN', () => {
    const t = parseWidePrices('\uFEFFdate,A,B\r\n2020-01-01,1.5,\r\n2020-01-02,2,3e1\r\n\r\n');
    expect(t.dates).toEqual(['2020-01-01', '2020-01-02']);
    expect(t.columns).toEqual(['A', 'B']);
    expect([...t.prices[0]!]).toEqual([1.5, 2]);
    expect([...t.prices[1]!]).toEqual([NaN, 30]);
  });

  it('selects and reorders columns', () => {
    const t = parseWidePrices('date,A,B,C\n2020-01-01,1,2,3\n2020-01-02,4,5,6\n', { columns: ['C', 'A'] });
    expect(t.columns).toEqual(['C', 'A']);
    expect([...t.prices[0]!]).toEqual([3, 6]);
  });

  const bad: Array<[string, string, RegExp]> = [
    [
      'a non-numeric cell, with line and column',
      'date,A,B\n2020-01-01,1,2\n2020-01-02,1,abc\n',
      /line 3, column 3 \('B'\): 'abc' is not a number/,
    ],
    ['a non-positive price', 'date,A\n2020-01-01,1\n2020-01-02,0\n', /line 3, column 2 \('A'\): price 0/],
    ['a ragged row', 'date,A,B\n2020-01-01,1,2\n2020-01-02,1\n', /line 3: expected 3 cells, found 2/],
    ['a bad date', 'date,A\n2020-01-01,1\n2020-02-30,2\n', /line 3: '2020-02-30' is not a YYYY-MM-DD date/],
    [
      'dates out of order',
      'date,A\n2020-01-02,1\n2020-01-01,2\n',
      /line 3: date 2020-01-01 does not follow 2020-01-02/,
    ],
    ['a missing date header', 'day,A\n2020-01-01,1\n', /first column must be 'date'/],
    ['a duplicate column', 'date,A,A\n2020-01-01,1,2\n2020-01-02,1,2\n', /duplicate column 'A'/],
    ['too few rows', 'date,A\n2020-01-01,1\n', /too few rows: 1 data row\(s\), at least 2 needed/],
    ['an empty file', '  \n', /empty price file/],
  ];
  it.each(bad)('rejects %s', (_, text, message) => {
    expect(() => parseWidePrices(text)).toThrow(WidePricesError);
    expect(() => parseWidePrices(text)).toThrow(message);
  });

  it('rejects an unknown column, listing the available ones', () => {
    const text = 'date,A,B\n2020-01-01,1,2\n2020-01-02,1,2\n';
    expect(() => parseWidePrices(text, { columns: ['A', 'TSLA'] })).toThrow(
      /unknown column 'TSLA' \(the file has: A, B\)/,
    );
  });

  it('carries line and column on the error', () => {
    try {
      parseWidePrices('date,A\n2020-01-01,1\n2020-01-02,x\n');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ name: 'WidePricesError', line: 3, column: 'A' });
    }
  });
});

describe('loadWidePrices (real data)', () => {
  it('loads the 20-stock universe with holes before each listing', () => {
    const t = loadWidePrices();
    expect(t.columns).toEqual(TICKERS);
    expect(t.dates).toHaveLength(7126);
    expect(t.dates[0]).toBe('1989-12-29');
    expect(t.dates.at(-1)).toBe('2018-04-11');
    const fb = t.prices[t.columns.indexOf('FB')]!;
    const first = fb.findIndex((p) => !Number.isNaN(p));
    expect(t.dates[first]).toBe('2012-05-18');
    expect(fb.subarray(first).every((p) => p > 0)).toBe(true);
  });
});
