import type { BarColumns, ReturnsTable } from '@tradeplane/quant';

const DAY_MS = 86_400_000;

/**
 * Daily close-to-close simple returns of several series, aligned on the union of their days
 * (NaN where a symbol has no return that day), as the risk model expects.
 *
 * Each return is taken between consecutive bars of its own series and dated by the later
 * bar, so a calendar that differs between series (crypto trading at weekends, a holiday on
 * one exchange) never turns a Monday return into NaN; a hole in a series gives one return
 * spanning the hole.
 */
export function dailyReturnsTable(series: ReadonlyArray<{ symbol: string; bars: BarColumns }>): ReturnsTable {
  const days = new Set<number>();
  for (const { bars } of series)
    for (let t = 1; t < bars.ts.length; t++) days.add(Math.floor(bars.ts[t]! / DAY_MS));
  const sorted = Float64Array.from(days).sort();
  const row = new Map<number, number>();
  sorted.forEach((day, i) => row.set(day, i));
  const returns = series.map(({ bars }) => {
    const r = new Float64Array(sorted.length).fill(Number.NaN);
    for (let t = 1; t < bars.ts.length; t++) {
      const p0 = bars.close[t - 1]!;
      const p1 = bars.close[t]!;
      // Non-positive or missing prices give no return rather than ±∞.
      if (p0 > 0 && p1 > 0) r[row.get(Math.floor(bars.ts[t]! / DAY_MS))!] = p1 / p0 - 1;
    }
    return r;
  });
  return {
    dates: Array.from(sorted, (day) => new Date(day * DAY_MS).toISOString().slice(0, 10)),
    columns: series.map((s) => s.symbol),
    returns,
  };
}
