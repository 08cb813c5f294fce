import { describe, expect, it } from 'vitest';
import { ParameterError } from '../http/params';
import { parsePredictRequest } from './predict.schema';

const NOW = Date.UTC(2024, 0, 2);

function fieldOf(body: unknown): string {
  try {
    parsePredictRequest(body, NOW);
  } catch (err) {
    expect(err).toBeInstanceOf(ParameterError);
    return (err as ParameterError).field;
  }
  throw new Error('expected a ParameterError');
}

describe('parsePredictRequest', () => {
  it('accepts one symbol or several, upper-cases them and defaults asOf to now', () => {
    const one = parsePredictRequest({ symbol: 'spy', timeframe: '1d' }, NOW);
    expect(one).toMatchObject({ symbols: ['SPY'], symbolsField: 'symbol', asOfMs: NOW, portfolio: {} });
    const many = parsePredictRequest(
      { symbols: ['aapl', 'XOM'], timeframe: '1h', asOf: '2019-06-03T15:00:00Z', portfolio: { aapl: 0.1 } },
      NOW,
    );
    expect(many.symbols).toEqual(['AAPL', 'XOM']);
    expect(many.asOfMs).toBe(Date.parse('2019-06-03T15:00:00Z'));
    expect(many.portfolio).toEqual({ AAPL: 0.1 });
    expect(parsePredictRequest({ symbol: 'SPY', timeframe: '1d', asOf: 1559520000000 }, NOW).asOfMs).toBe(
      1559520000000,
    );
  });

  it("uses the client's requestKey, else one derived from symbols, timeframe and asOf", () => {
    expect(
      parsePredictRequest({ symbol: 'SPY', timeframe: '1d', requestKey: 'order-7' }, NOW).requestKey,
    ).toBe('order-7');
    const derived = parsePredictRequest(
      { symbols: ['SPY', 'AAPL'], timeframe: '1d', asOf: '2019-06-03' },
      NOW,
    );
    expect(derived.requestKey).toBe(`SPY,AAPL|1d|${Date.parse('2019-06-03')}`);
  });

  it('names the bad field', () => {
    expect(fieldOf({ timeframe: '1d' })).toBe('symbols');
    expect(fieldOf({ symbol: 'SPY', symbols: ['SPY'], timeframe: '1d' })).toBe('symbols');
    expect(fieldOf({ symbols: ['SPY', 'B A D'], timeframe: '1d' })).toBe('symbols[1]');
    expect(fieldOf({ symbols: ['SPY', 'spy'], timeframe: '1d' })).toBe('symbols[1]');
    expect(fieldOf({ symbols: [], timeframe: '1d' })).toBe('symbols');
    expect(fieldOf({ symbol: 'SPY', timeframe: '2d' })).toBe('timeframe');
    expect(fieldOf({ symbol: 'SPY' })).toBe('timeframe');
    expect(fieldOf({ symbol: 'SPY', timeframe: '1d', asOf: 'yesterday' })).toBe('asOf');
    expect(fieldOf({ symbol: 'SPY', timeframe: '1d', asOf: -5 })).toBe('asOf');
    expect(fieldOf({ symbol: 'SPY', timeframe: '1d', portfolio: { AAPL: '10%' } })).toBe('portfolio.AAPL');
    expect(fieldOf({ symbol: 'SPY', timeframe: '1d', portfolio: { AAPL: 50 } })).toBe('portfolio.AAPL');
    expect(fieldOf({ symbol: 'SPY', timeframe: '1d', portfolio: { aapl: 0.1, AAPL: 0.1 } })).toBe(
      'portfolio.AAPL',
    );
    expect(fieldOf({ symbol: 'SPY', timeframe: '1d', requestKey: '' })).toBe('requestKey');
    expect(fieldOf({ symbol: 'SPY', timeframe: '1d', portfolioId: 'paper run' })).toBe('portfolioId');
    expect(fieldOf({ symbol: 'SPY', timeframe: '1d', extra: 1 })).toBe('extra');
    expect(fieldOf([1, 2])).toBe('body');
    expect(fieldOf(null)).toBe('body');
    expect(fieldOf({ symbols: Array.from({ length: 51 }, (_, i) => `S${i}`), timeframe: '1d' })).toBe(
      'symbols',
    );
  });
});
