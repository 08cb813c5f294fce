import type { BarColumns, BarSink, InstrumentSpec, WriteResult } from './importService';

export interface StoredBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number | null;
}

const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/**
 * In-memory BarSink for unit tests: instruments keyed by symbol (like the `instruments.symbol`
 * unique constraint), bars keyed by (instrumentId, timeframe, ts). A bar that exists with equal
 * values is "unchanged" and counts as neither inserted nor updated.
 */
export class MemoryBarSink implements BarSink {
  private readonly instrumentsBySymbol = new Map<string, InstrumentSpec & { id: number }>();
  private readonly series = new Map<string, Map<number, Float64Array>>();
  private nextId = 1;
  writeCalls = 0;

  async ensureInstrument(spec: InstrumentSpec): Promise<number> {
    const existing = this.instrumentsBySymbol.get(spec.symbol);
    if (existing !== undefined) return existing.id;
    const id = this.nextId++;
    this.instrumentsBySymbol.set(spec.symbol, { ...spec, id });
    return id;
  }

  async writeBars(instrumentId: number, timeframe: string, c: BarColumns): Promise<WriteResult> {
    this.writeCalls++;
    const n = c.ts.length;
    for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) {
      if (c[k].length !== n) throw new Error(`writeBars: column ${k} has ${c[k].length} values, ts has ${n}`);
    }
    const key = `${instrumentId}\u0000${timeframe}`;
    let bars = this.series.get(key);
    if (bars === undefined) {
      bars = new Map();
      this.series.set(key, bars);
    }
    let inserted = 0;
    let updated = 0;
    for (let i = 0; i < n; i++) {
      const row = Float64Array.of(c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!);
      const prev = bars.get(c.ts[i]!);
      if (prev === undefined) inserted++;
      else if (prev.every((v, j) => same(v, row[j]!))) continue;
      else updated++;
      bars.set(c.ts[i]!, row);
    }
    return { inserted, updated };
  }

  instruments(): Array<InstrumentSpec & { id: number }> {
    return [...this.instrumentsBySymbol.values()];
  }

  /** Bars of one series sorted by ts ([] when unknown). */
  bars(symbol: string, timeframe: string): StoredBar[] {
    const inst = this.instrumentsBySymbol.get(symbol);
    const m = inst && this.series.get(`${inst.id}\u0000${timeframe}`);
    if (!m) return [];
    return [...m.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([ts, v]) => ({
        ts,
        open: v[0]!,
        high: v[1]!,
        low: v[2]!,
        close: v[3]!,
        volume: Number.isNaN(v[4]!) ? null : v[4]!,
      }));
  }

  /** Total bars stored. */
  size(): number {
    let n = 0;
    for (const m of this.series.values()) n += m.size;
    return n;
  }
}
