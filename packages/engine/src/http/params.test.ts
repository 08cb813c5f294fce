import { describe, expect, it } from 'vitest';
import { ParameterError, parseSymbol, parseTime, parseTimeframe } from './params';

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
});
