import { describe, expect, it } from 'vitest';
import { decodeSegment, ParameterError, parseSymbol, parseTime, parseTimeframe } from './params';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof ParameterError ? err.field : 'not a ParameterError';
  }
  return 'no error';
};

describe('engine request parameters', () => {
  it('accepts and normalises symbols, rejects bad ones naming the field', () => {
    expect(parseSymbol('spy')).toBe('SPY');
    expect(parseSymbol('ETH-BTC')).toBe('ETH-BTC');
    expect(fieldOf(() => parseSymbol('bad symbol!'))).toBe('symbol');
    expect(fieldOf(() => parseSymbol('%E0%A4%A'))).toBe('symbol');
  });

  it('accepts known timeframes only', () => {
    expect(parseTimeframe('1d')).toBe('1d');
    expect(fieldOf(() => parseTimeframe('2d'))).toBe('timeframe');
  });

  it('parses ISO dates, date-times and epoch ms; names the bad field', () => {
    expect(parseTime('asOf', '2008-10-10', 0)).toBe(Date.UTC(2008, 9, 10));
    expect(parseTime('asOf', '2008-10-10T15:30:00Z', 0)).toBe(Date.UTC(2008, 9, 10, 15, 30));
    expect(parseTime('asOf', '1223596800000', 0)).toBe(1223596800000);
    expect(parseTime('asOf', null, 42)).toBe(42);
    expect(fieldOf(() => parseTime('asOf', 'yesterday', 0))).toBe('asOf');
    expect(fieldOf(() => parseTime('to', '2008-13-45', 0))).toBe('to');
  });

  it('refuses impossible dates, zone-less date-times and out-of-range epochs (one parser)', () => {
    expect(fieldOf(() => parseTime('asOf', '2018-02-30', 0))).toBe('asOf');
    expect(fieldOf(() => parseTime('from', '2018-02-28T10:00:00', 0))).toBe('from');
    expect(fieldOf(() => parseTime('asOf', '1700000000000000', 0))).toBe('asOf');
    expect(fieldOf(() => parseTime('asOf', 1_700_000_000, 0))).toBe('asOf');
  });

  it('decodes a path segment once, naming it when the percent-encoding is bad', () => {
    expect(decodeSegment('symbol', 'BRK.B')).toBe('BRK.B');
    expect(decodeSegment('symbol', 'BRK%2EB')).toBe('BRK.B');
    expect(fieldOf(() => decodeSegment('timeframe', '%E0%A4%A'))).toBe('timeframe');
    expect(fieldOf(() => decodeSegment('symbol', '%'))).toBe('symbol');
  });
});
