import type { BarColumns } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { dailyReturnsTable } from './daily-returns';

const DAY = 86_400_000;
const bars = (days: number[], close: number[]): BarColumns => ({
  ts: Float64Array.from(days, (d) => Date.UTC(2024, 0, 1) + d * DAY),
  open: Float64Array.from(close),
  high: Float64Array.from(close),
  low: Float64Array.from(close),
  close: Float64Array.from(close),
  volume: null,
});

describe('dailyReturnsTable', () => {
  it('takes each return between consecutive bars of its own series, on the union of days', () => {
    // 2024-01-01 is a Monday. Equity: Mon..Fri then Mon; crypto: every day.
    const equity = bars([0, 1, 2, 3, 4, 7], [100, 101, 102, 103, 104, 110]);
    const crypto = bars([0, 1, 2, 3, 4, 5, 6, 7], [10, 11, 12, 13, 14, 15, 16, 17]);
    const t = dailyReturnsTable([
      { symbol: 'EQ', bars: equity },
      { symbol: 'CX', bars: crypto },
    ]);
    expect(t.dates).toEqual([
      '2024-01-02',
      '2024-01-03',
      '2024-01-04',
      '2024-01-05',
      '2024-01-06',
      '2024-01-07',
      '2024-01-08',
    ]);
    expect(t.columns).toEqual(['EQ', 'CX']);
    const eq = Array.from(t.returns[0]!);
    expect(eq.slice(4, 6).every(Number.isNaN)).toBe(true); // no equity bar at the weekend
    expect(eq[6]).toBeCloseTo(110 / 104 - 1, 15); // Monday's return spans the weekend, not NaN
    expect(t.returns[1]![6]).toBeCloseTo(17 / 16 - 1, 15);
  });

  it('gives no return around a non-positive price', () => {
    const t = dailyReturnsTable([{ symbol: 'X', bars: bars([0, 1, 2], [1, 0, 2]) }]);
    expect(Array.from(t.returns[0]!).every(Number.isNaN)).toBe(true);
  });
});
