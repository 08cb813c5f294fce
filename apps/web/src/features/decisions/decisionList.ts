/** Decision ids are ULIDs: their text order is their time order (to the millisecond). */
export function newestFirst<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Merges decisions into one list, newest first, each id once (the later copy wins), at most
 * `cap` long: the live table's rows from the seed query and the sampled stream.
 */
export function mergeDecisions<T extends { id: string }>(lists: readonly (readonly T[])[], cap: number): T[] {
  const byId = new Map<string, T>();
  for (const list of lists) for (const d of list) byId.set(d.id, d);
  return [...byId.values()].sort(newestFirst).slice(0, cap);
}

/** The time of day of an ISO date-time in UTC, to the millisecond: `14:03:27.512Z`. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(11, 23)}Z`;
}

/** Milliseconds with sensible precision for sub-millisecond engine timings: `0.231 ms`, `12.4 ms`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const digits = ms < 1 ? 3 : ms < 100 ? 1 : 0;
  return `${ms.toFixed(digits)} ms`;
}
