import { describe, expect, it } from 'vitest';
import { ParameterError } from '../http/params';
import { parseRiskCheckRequest } from './risk-check.schema';

function fieldOf(body: unknown): string {
  try {
    parseRiskCheckRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(ParameterError);
    return (err as ParameterError).field;
  }
  throw new Error('expected a ParameterError');
}

const order = { symbol: 'AAPL', deltaWeight: 0.05 };

describe('parseRiskCheckRequest', () => {
  it('accepts a portfolio and orders, upper-casing symbols; the portfolio defaults to empty', () => {
    expect(
      parseRiskCheckRequest({ portfolio: { aapl: 0.1 }, orders: [{ symbol: 'xom', deltaWeight: -0.02 }] }),
    ).toEqual({ portfolio: { AAPL: 0.1 }, orders: [{ symbol: 'XOM', deltaWeight: -0.02 }] });
    expect(parseRiskCheckRequest({ orders: [order] }).portfolio).toEqual({});
  });

  it('names the bad field', () => {
    expect(fieldOf({ orders: [order, order, { symbol: 'A B', deltaWeight: 0.1 }] })).toBe('orders[2].symbol');
    expect(fieldOf({ orders: [{ symbol: 'AAPL' }] })).toBe('orders[0].deltaWeight');
    expect(fieldOf({ orders: [{ symbol: 'AAPL', deltaWeight: '0.1' }] })).toBe('orders[0].deltaWeight');
    expect(fieldOf({ orders: [{ symbol: 'AAPL', deltaWeight: 50 }] })).toBe('orders[0].deltaWeight');
    expect(fieldOf({ orders: [{ ...order, side: 'buy' }] })).toBe('orders[0].side');
    expect(fieldOf({ orders: [] })).toBe('orders');
    expect(fieldOf({ portfolio: { AAPL: 'x' }, orders: [order] })).toBe('portfolio.AAPL');
    expect(fieldOf({ portfolio: { 'A B': 0.1 }, orders: [order] })).toBe('portfolio.A B');
    expect(fieldOf({ portfolio: { aapl: 0.1, AAPL: 0.2 }, orders: [order] })).toBe('portfolio.AAPL');
    expect(fieldOf({ orders: [order], limits: {} })).toBe('limits');
    expect(fieldOf([1, 2])).toBe('body');
    expect(fieldOf({ orders: Array(501).fill(order) })).toBe('orders');
  });
});
