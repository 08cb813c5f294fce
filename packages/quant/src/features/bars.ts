import type { BarColumns } from '@tradeplane/contracts';

export type { BarColumns };

/** Number of bars. */
export function barCount(bars: BarColumns): number {
  return bars.ts.length;
}

/**
 * The first `endExclusive` bars, as views on the same memory (`subarray`, no copy).
 * `sliceBars(bars, t + 1)` is the history a point-in-time computation at bar t may see.
 */
export function sliceBars(bars: BarColumns, endExclusive: number): BarColumns {
  const n = bars.ts.length;
  if (!Number.isInteger(endExclusive) || endExclusive < 0 || endExclusive > n) {
    throw new RangeError(`sliceBars: endExclusive ${endExclusive} is outside [0, ${n}]`);
  }
  if (endExclusive === n) return bars;
  return {
    ts: bars.ts.subarray(0, endExclusive),
    open: bars.open.subarray(0, endExclusive),
    high: bars.high.subarray(0, endExclusive),
    low: bars.low.subarray(0, endExclusive),
    close: bars.close.subarray(0, endExclusive),
    volume: bars.volume ? bars.volume.subarray(0, endExclusive) : null,
  };
}

/**
 * Throws a RangeError unless the columns have equal lengths, `ts` is strictly increasing and
 * every close is finite and > 0 (the features take logs and ratios of closes; a NaN fed to a
 * stateful indicator would poison every later value). O(n), no allocation.
 */
export function assertValidBars(bars: BarColumns): void {
  const { ts, open, high, low, close, volume } = bars;
  const n = ts.length;
  if (
    open.length !== n ||
    high.length !== n ||
    low.length !== n ||
    close.length !== n ||
    (volume !== null && volume.length !== n)
  ) {
    throw new RangeError('BarColumns: columns have different lengths');
  }
  let prevTs = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    if (!(t > prevTs)) throw new RangeError(`BarColumns: ts is not strictly increasing at index ${i}`);
    prevTs = t;
    const c = close[i]!;
    if (!(c > 0) || c === Infinity)
      throw new RangeError(`BarColumns: close[${i}] = ${c} is not finite and > 0`);
  }
}
