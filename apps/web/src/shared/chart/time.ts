import type { UTCTimestamp } from 'lightweight-charts';

/** Daily-or-coarser timeframes ("1d", "1w", "1M"/"1mo") are plotted on business days, the rest on UTC timestamps. */
export function isDailyOrCoarser(timeframe: string): boolean {
  return /^\d*(d|D|w|W|M|mo|mth)$/.test(timeframe.trim());
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export type ChartTime = UTCTimestamp | string;

export interface ChartTimeKey {
  /** What lightweight-charts gets: a `YYYY-MM-DD` business-day string or UTC seconds. */
  time: ChartTime;
  /** Monotonic sort key (UTC seconds; midnight of the day for daily bars). */
  key: number;
}

/**
 * ISO DateTime → chart time. Daily bars use the UTC calendar date (so a bar stamped 00:00Z is that day,
 * whatever the browser's zone); intraday bars use UTC seconds. Returns null for unparsable input.
 */
export function toChartTime(iso: string, daily: boolean): ChartTimeKey | null {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms);
  if (daily) {
    const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) / 1000;
    return { time: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`, key: day };
  }
  const secs = Math.floor(ms / 1000);
  return { time: secs as UTCTimestamp, key: secs };
}

/**
 * Maps items to chart points with strictly increasing times, as lightweight-charts requires:
 * sorts by time and keeps the last item for a duplicated time.
 */
export function toChartPoints<T, P>(
  items: readonly T[],
  timeOf: (item: T) => string,
  daily: boolean,
  build: (time: ChartTime, item: T, index: number) => P,
): P[] {
  const keyed: { key: number; time: ChartTime; item: T; index: number }[] = [];
  items.forEach((item, index) => {
    const t = toChartTime(timeOf(item), daily);
    if (t) keyed.push({ key: t.key, time: t.time, item, index });
  });
  let sorted = true;
  for (let i = 1; i < keyed.length; i++) {
    if (keyed[i]!.key < keyed[i - 1]!.key) {
      sorted = false;
      break;
    }
  }
  if (!sorted) keyed.sort((a, b) => a.key - b.key || a.index - b.index);
  const out: P[] = [];
  for (let i = 0; i < keyed.length; i++) {
    const cur = keyed[i]!;
    const next = keyed[i + 1];
    if (next && next.key === cur.key) continue; // a later item has the same time: keep the last one
    out.push(build(cur.time, cur.item, cur.index));
  }
  return out;
}

/** A lightweight-charts time (business-day string or object, or UTC seconds) as `YYYY-MM-DD[ HH:MM]`. */
export function chartTimeLabel(time: ChartTime | { year: number; month: number; day: number }): string {
  if (typeof time === 'string') return time;
  if (typeof time === 'number') {
    const d = new Date(time * 1000);
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    return d.getUTCHours() === 0 && d.getUTCMinutes() === 0
      ? date
      : `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }
  return `${time.year}-${pad(time.month)}-${pad(time.day)}`;
}
