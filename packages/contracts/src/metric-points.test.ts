import { describe, expect, it } from 'vitest';
import { checkMetricBatch, checkMetricPoints, metricBatch, metricPoint } from './tracking';

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

const batch = { runId: '0b6c4f7e-9a51-4d0e-8f3a-2c1d5e6f7a8b', idempotencyKey: 'k'.repeat(8), points: [ok] };
const batchCases: Array<[string, unknown]> = [
  ['a valid batch', batch],
  ['extra fields', { ...batch, extra: 1 }],
  ['a nil uuid', { ...batch, runId: '00000000-0000-0000-0000-000000000000' }],
  ['an uppercase uuid', { ...batch, runId: batch.runId.toUpperCase() }],
  ['a uuid of an unknown variant', { ...batch, runId: '0b6c4f7e-9a51-4d0e-cf3a-2c1d5e6f7a8b' }],
  ['a runId that is not a uuid', { ...batch, runId: 'run-1' }],
  ['a numeric runId', { ...batch, runId: 7 }],
  ['a 7-character idempotency key', { ...batch, idempotencyKey: 'k'.repeat(7) }],
  ['a 200-character idempotency key', { ...batch, idempotencyKey: 'k'.repeat(200) }],
  ['a 201-character idempotency key', { ...batch, idempotencyKey: 'k'.repeat(201) }],
  ['no points', { ...batch, points: [] }],
  ['10,000 points', { ...batch, points: Array.from({ length: 10_000 }, () => ok) }],
  ['10,001 points', { ...batch, points: Array.from({ length: 10_001 }, () => ok) }],
  ['points that are not an array', { ...batch, points: { 0: ok } }],
  ['a bad point', { ...batch, points: [ok, { ...ok, value: Number.NaN }] }],
  ['null', null],
];

describe('checkMetricBatch', () => {
  it.each(batchCases)('agrees with the metricBatch schema on %s', (_, value) => {
    const zod = metricBatch.safeParse(value);
    const fast = checkMetricBatch(value);
    if (zod.success) expect(fast).toEqual(zod.data);
    else expect(fast).toBeNull();
  });
});
