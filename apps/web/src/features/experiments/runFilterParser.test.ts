import { describe, expect, it } from 'vitest';
import { parseMetricFilters, parseParamFilters } from './runFilterParser';

describe('parseMetricFilters', () => {
  it('turns comma-separated thresholds into gateway filters', () => {
    expect(parseMetricFilters('sharpe > 1, max_drawdown <= 0.25; val/loss<1e-3')).toEqual({
      ok: true,
      filters: [
        { key: 'sharpe', op: 'gt', value: 1 },
        { key: 'max_drawdown', op: 'lte', value: 0.25 },
        { key: 'val/loss', op: 'lt', value: 0.001 },
      ],
    });
  });

  it('accepts = and == as equality and negative numbers', () => {
    expect(parseMetricFilters('trades = 12, pnl == -3.5')).toEqual({
      ok: true,
      filters: [
        { key: 'trades', op: 'eq', value: 12 },
        { key: 'pnl', op: 'eq', value: -3.5 },
      ],
    });
  });

  it('reads empty text as no filter', () => {
    expect(parseMetricFilters('  , ')).toEqual({ ok: true, filters: [] });
  });

  it('names the condition it cannot read', () => {
    expect(parseMetricFilters('sharpe > one')).toEqual({
      ok: false,
      error: '"sharpe > one": one is not a number',
    });
    const missing = parseMetricFilters('sharpe');
    expect(missing.ok).toBe(false);
  });
});

describe('parseParamFilters', () => {
  it('splits at the first = and keeps the value as text', () => {
    expect(parseParamFilters('fast = 10, expr = a=b')).toEqual({
      ok: true,
      filters: [
        { key: 'fast', value: '10' },
        { key: 'expr', value: 'a=b' },
      ],
    });
  });

  it('refuses a condition without a value', () => {
    expect(parseParamFilters('fast =')).toEqual({ ok: false, error: '"fast =": write param = value' });
  });
});
