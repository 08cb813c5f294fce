import { describe, expect, it } from 'vitest';
import { checkMetricPoints, metricPoint } from './tracking';

const ok = { key: 'val/sharpe', value: 1.25, step: 3, ts: 1_700_000_000_000 };
const cases: Array<[string, unknown]> = [
  ['a valid point', ok],
  ['every allowed key character', { ...ok, key: 'A-z_0.9/x y:z' }],
  ['an empty key', { ...ok, key: '' }],
  ['a key of 251 characters', { ...ok, key: 'k'.repeat(251) }],
  ['a key of 250 characters', { ...ok, key: 'k'.repeat(250) }],
  ['a key with a quote', { ...ok, key: 'a"b' }],
  ['a key with a comma', { ...ok, key: 'a,b' }],
  ['NaN', { ...ok, value: Number.NaN }],
  ['Infinity', { ...ok, value: Number.POSITIVE_INFINITY }],
  ['a string value', { ...ok, value: '1' }],
  ['a negative step', { ...ok, step: -1 }],
  ['a fractional step', { ...ok, step: 1.5 }],
  ['an unsafe step', { ...ok, step: 2 ** 53 }],
  ['a negative ts', { ...ok, ts: -1 }],
  ['a missing ts', { key: 'k', value: 1, step: 0 }],
  ['null', null],
  ['extra fields', { ...ok, extra: true }],
];

describe('checkMetricPoints', () => {
  it.each(cases)('agrees with the metricPoint schema on %s', (_, point) => {
    const zod = metricPoint.safeParse(point);
    const fast = checkMetricPoints([ok, point]);
    if (zod.success) expect(fast).toEqual([ok, zod.data]);
    else expect(fast).toBeNull();
  });
});
