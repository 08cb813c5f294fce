import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../features';
import { loadWidePrices } from '../testing/wide-prices';
import { largestTriangleThreeBuckets } from './downsample';

const range = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

function expectValidSelection(kept: Uint32Array, n: number, maxPoints: number) {
  expect(kept.length).toBe(Math.min(n, maxPoints));
  expect(kept[0]).toBe(0);
  expect(kept[kept.length - 1]).toBe(n - 1);
  for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
}

describe('largestTriangleThreeBuckets', () => {
  it('keeps every point when the series is no longer than maxPoints', () => {
    const ys = Float64Array.from([3, 1, 4, 1, 5]);
    expect(Array.from(largestTriangleThreeBuckets(range(5), ys, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(largestTriangleThreeBuckets(range(5), ys, 1000))).toEqual([0, 1, 2, 3, 4]);
    expect(largestTriangleThreeBuckets(new Float64Array(0), new Float64Array(0), 10)).toHaveLength(0);
  });

  it('picks, per bucket, the point with the largest triangle (worked example)', () => {
    // Buckets {1,2} and {3,4}. Bucket 1: against (0,0) and the mean (3.5, 2.5) of bucket 2,
    // point 2 spans area 5/2 and point 1 spans 1/2. Bucket 2: against (2,0) and (5,0),
    // point 3 at height 5 spans 15/2, point 4 spans 0.
    const ys = Float64Array.from([0, 1, 0, 5, 0, 0]);
    expect(Array.from(largestTriangleThreeBuckets(range(6), ys, 4))).toEqual([0, 2, 3, 5]);
  });

  it('keeps only the endpoints with maxPoints = 2', () => {
    expect(Array.from(largestTriangleThreeBuckets(range(100), range(100), 2))).toEqual([0, 99]);
  });

  it('keeps the endpoints, stays within maxPoints and keeps indices increasing (random series)', () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 3 + Math.floor(random() * 3000);
      const maxPoints = 2 + Math.floor(random() * 400);
      const ys = Float64Array.from({ length: n }, () => random() * 2 - 1);
      expectValidSelection(largestTriangleThreeBuckets(range(n), ys, maxPoints), n, maxPoints);
    }
  });

  it('keeps the one spike of an otherwise flat series', () => {
    const n = 20_000;
    const ys = new Float64Array(n);
    ys[12_345] = 10;
    const kept = largestTriangleThreeBuckets(range(n), ys, 100);
    expectValidSelection(kept, n, 100);
    expect(Array.from(kept)).toContain(12_345);
  });

  it('reduces the SPY daily close to 500 points and keeps the 2009 low that every-nth sampling drops', () => {
    const spy = loadWidePrices('daily/spy_prices.csv', { columns: ['SPY'] });
    const close = spy.prices[0]!;
    const n = close.length;
    const xs = Float64Array.from(spy.dates, (d) => Date.parse(d));
    const kept = largestTriangleThreeBuckets(xs, close, 500);
    expectValidSelection(kept, n, 500);
    const keptClose = Array.from(kept, (i) => close[i]!);
    const crisis = close.slice(spy.dates.indexOf('2008-01-02'), spy.dates.indexOf('2010-01-04'));
    const crisisLow = Math.min(...crisis);
    expect(keptClose).toContain(crisisLow);
    const everyNth = Array.from({ length: 500 }, (_, i) => close[Math.round((i * (n - 1)) / 499)]!);
    expect(everyNth).not.toContain(crisisLow);
    // The all-time low is kept; the high (in the short last bucket) is within 1%.
    expect(Math.min(...keptClose)).toBe(Math.min(...close));
    expect(Math.max(...keptClose)).toBeGreaterThan(0.99 * Math.max(...close));
  });

  it('rejects mismatched columns and a maxPoints below 2', () => {
    expect(() => largestTriangleThreeBuckets(range(3), range(2), 10)).toThrow(RangeError);
    expect(() => largestTriangleThreeBuckets(range(3), range(3), 1)).toThrow(RangeError);
    expect(() => largestTriangleThreeBuckets(range(3), range(3), 2.5)).toThrow(RangeError);
  });
});
