import { describe, expect, it } from 'vitest';

import { BinaryArrayWriter, FLOAT8_OID, INT8_OID, readBinaryArray } from './pg-binary-array';
import { metricSegmentParams } from './tracking.repository';

const p = (key: string, step: number, value: number, ts = 1_000 + step) => ({ key, step, value, ts });

/** The parameters with the binary arrays read back into numbers. */
const decoded = (params: Array<string | Buffer>) =>
  params.map((x) => (typeof x === 'string' ? x : readBinaryArray(x)));

describe('metricSegmentParams', () => {
  it('groups points by key in first-seen order, keeping the logged order within a key', () => {
    const [keys, lo, hi, steps, ts, values, firstTs] = decoded(
      metricSegmentParams([
        p('loss', 2, 0.5),
        p('acc', 0, 0.1),
        p('loss', 1, 0.7, 900),
        p('acc', 1, 0.2),
        p('loss', 3, 1e-7),
      ]),
    );
    expect(keys).toBe('{"loss","acc"}');
    // 1-based inclusive slices of the flat arrays, as PostgreSQL's a[lo:hi] takes them.
    expect(lo).toBe('{1,4}');
    expect(hi).toBe('{3,5}');
    expect(steps).toEqual([2, 1, 3, 0, 1]);
    expect(ts).toEqual([1002, 900, 1003, 1000, 1001]);
    expect(values).toEqual([0.5, 0.7, 1e-7, 0.1, 0.2]);
    // The earliest time of each segment (its partition key), not the first logged.
    expect(firstTs).toEqual([900, 1000]);
  });

  it("takes each key's latest point at the highest (step, ts), the first logged on a tie", () => {
    const params = decoded(
      metricSegmentParams([
        p('loss', 5, 1, 50),
        p('loss', 9, 2, 10),
        p('loss', 9, 3, 20),
        p('loss', 9, 4, 20),
        p('acc', 0, -1),
      ]),
    );
    expect(params.slice(7)).toEqual([
      [9, 0],
      [20, 1000],
      [3, -1],
      [5, 0], // each key's lowest step
    ]);
  });

  it('writes one element per point, whatever the batch size', () => {
    const points = Array.from({ length: 1000 }, (_, i) => p(`k${i % 7}`, i, i / 3));
    const [keys, lo, hi, steps, ts, values] = decoded(metricSegmentParams(points));
    expect((keys as string).slice(1, -1).split(',')).toHaveLength(7);
    expect([steps, ts, values].map((a) => (a as number[]).length)).toEqual([1000, 1000, 1000]);
    const los = (lo as string).slice(1, -1).split(',').map(Number);
    const his = (hi as string).slice(1, -1).split(',').map(Number);
    expect(los[0]).toBe(1);
    expect(his.at(-1)).toBe(1000);
    for (let i = 1; i < los.length; i++) expect(los[i]).toBe(his[i - 1]! + 1);
    expect((values as number[]).reduce((a, b) => a + b, 0)).toBeCloseTo((999 * 1000) / 2 / 3, 6);
  });
});

describe('BinaryArrayWriter', () => {
  it("writes array_send's layout: header, then (length 8, big-endian value) per element", () => {
    const w = new BinaryArrayWriter(INT8_OID, 2);
    w.push(1);
    w.push(-2);
    expect(w.finish().toString('hex')).toBe(
      [
        '00000001', // one dimension
        '00000000', // no nulls
        '00000014', // int8
        '00000002', // two elements
        '00000001', // lower bound 1
        '00000008' + '0000000000000001',
        '00000008' + 'fffffffffffffffe',
      ].join(''),
    );
  });

  it('round-trips safe integers and doubles exactly', () => {
    const ints = [
      0,
      1,
      -1,
      2 ** 32,
      -(2 ** 32) - 1,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      1_764_000_000_123,
    ];
    const doubles = [0, -0.5, Math.PI, 1e-300, -1.7976931348623157e308, 5e-324];
    const iw = new BinaryArrayWriter(INT8_OID, ints.length);
    ints.forEach((v) => iw.push(v));
    const dw = new BinaryArrayWriter(FLOAT8_OID, doubles.length);
    doubles.forEach((v) => dw.push(v));
    expect(readBinaryArray(iw.finish())).toEqual(ints);
    expect(readBinaryArray(dw.finish())).toEqual(doubles);
  });

  it('refuses to finish an array with fewer elements than announced', () => {
    const w = new BinaryArrayWriter(FLOAT8_OID, 3);
    w.push(1);
    expect(() => w.finish()).toThrow('1 of 3 elements written');
  });
});
