/**
 * A series' content version: the engine's bar store tags each loaded series with it (plus the
 * count of bars appended since), so anything derived from the bars can tell that they changed.
 */
import type { BarColumns } from './bars';

/** FNV-1a over the raw bytes of every column: cheap (~0.1 ms for 7k bars) and content-derived. */
export function seriesVersion(bars: BarColumns): string {
  let h = 0x811c9dc5;
  const columns = [bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume];
  for (const col of columns) {
    if (!col) continue;
    const bytes = new Uint8Array(col.buffer, col.byteOffset, col.byteLength);
    for (let i = 0; i < bytes.length; i++) {
      h ^= bytes[i]!;
      h = Math.imul(h, 0x01000193);
    }
  }
  return `${bars.ts.length.toString(36)}-${(h >>> 0).toString(36)}`;
}
