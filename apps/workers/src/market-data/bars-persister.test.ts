import { marketDataEventFromBar, type MarketBar } from '@tradeplane/contracts';
import {
  createLogger,
  createMetricsRegistry,
  type ConsumedEvent,
  type OutgoingEvent,
} from '@tradeplane/platform';
import { describe, expect, it } from 'vitest';
import { BarsPersister } from './bars-persister';
import { BarsStoredSignal, type BarsStored } from './bars-stored';

const day = (d: number) => Date.UTC(2018, 0, d);
const bar = (d: number, close: number, symbol = 'AAPL'): MarketBar => ({
  symbol,
  timeframe: '1d',
  ts: day(d),
  open: close,
  high: close,
  low: close,
  close,
  volume: null,
});
let offset = 0;
const message = (value: string | null, key: string | null = 'AAPL'): ConsumedEvent => ({
  topic: 'market-data',
  partition: 0,
  offset: String(offset++),
  key,
  value,
  timestamp: day(10),
});
const event = (b: MarketBar) => message(JSON.stringify(marketDataEventFromBar(b, 'api', day(10))), b.symbol);

/** A `bars` table of one rule: insert after the newest, duplicate when identical, else late. */
function memoryBars() {
  const rows = new Map<string, Map<number, number>>();
  return {
    rows,
    async insertNew(
      instrumentId: number,
      timeframe: string,
      cols: { ts: Float64Array; close: Float64Array },
    ) {
      const key = `${instrumentId}:${timeframe}`;
      const series = rows.get(key) ?? new Map<number, number>();
      rows.set(key, series);
      const newest = Math.max(-Infinity, ...series.keys());
      let inserted = 0;
      let duplicates = 0;
      cols.ts.forEach((ts, i) => {
        if (ts > newest) {
          series.set(ts, cols.close[i]!);
          inserted++;
        } else if (series.get(ts) === cols.close[i]) duplicates++;
      });
      return {
        inserted,
        duplicates,
        late: cols.ts.length - inserted - duplicates,
        lastTs: Math.max(...series.keys()),
      };
    },
  };
}

function setup() {
  const bars = memoryBars();
  const dead: OutgoingEvent[] = [];
  const stored = new BarsStoredSignal();
  const signals: BarsStored[][] = [];
  stored.on((s) => signals.push([...s]));
  const persister = new BarsPersister({
    kafka: { consume: () => Promise.reject(new Error('not in unit tests')) },
    deadLetters: { send: async (_topic, events) => void dead.push(...events) },
    bars: bars as never,
    instruments: {
      findBySymbol: async (s: string) => (s === 'AAPL' ? { id: 1 } : s === 'SPY' ? { id: 2 } : null),
    } as never,
    stored,
    topic: 'market-data',
    groupId: 'test',
    deadLetterTopic: 'market-data.dlq',
    metrics: createMetricsRegistry('test'),
    log: createLogger('test', 'silent'),
    clock: () => day(10),
  });
  return { bars, dead, signals, persister };
}

describe('BarsPersister', () => {
  it('stores each bar once: a redelivered batch inserts nothing and signals nothing', async () => {
    const { bars, signals, persister } = setup();
    const batch = [event(bar(1, 100)), event(bar(2, 101)), event(bar(1, 50, 'SPY'))];
    await persister.handleBatch(batch);
    expect(bars.rows.get('1:1d')?.size).toBe(2);
    expect(signals).toEqual([
      [
        { symbol: 'AAPL', timeframe: '1d', lastTs: day(2), inserted: 2 },
        { symbol: 'SPY', timeframe: '1d', lastTs: day(1), inserted: 1 },
      ],
    ]);
    await persister.handleBatch(batch);
    expect(signals).toHaveLength(1);
    expect(persister.stats).toMatchObject({ inserted: 3, duplicate: 3, late: 0 });
  });

  it('refuses late bars (older than the newest stored, or back in time within a batch), never overwriting', async () => {
    const { bars, persister } = setup();
    await persister.handleBatch([event(bar(5, 105))]);
    await persister.handleBatch([
      event(bar(3, 103)),
      event(bar(5, 99)),
      event(bar(7, 107)),
      event(bar(6, 106)),
    ]);
    expect([...bars.rows.get('1:1d')!.entries()]).toEqual([
      [day(5), 105],
      [day(7), 107],
    ]);
    expect(persister.stats).toMatchObject({ inserted: 2, late: 3 });
  });

  it('dead-letters what is not a bar, a key that is not the symbol, and an unknown symbol, then goes on', async () => {
    const { dead, bars, persister } = setup();
    await persister.handleBatch([
      message('not json'),
      message(JSON.stringify({ schemaVersion: 2 })),
      message(JSON.stringify(marketDataEventFromBar(bar(1, 1), 'api', 0)), 'SPY'),
      event(bar(1, 1, 'MSFT')),
      event(bar(1, 100)),
    ]);
    expect(dead.map((d) => (JSON.parse(d.value) as { reason: string }).reason)).toEqual([
      'not JSON',
      'schemaVersion: unknown version 2 (this consumer reads version 1)',
      "key 'SPY' is not the symbol 'AAPL'",
      'symbol: unknown symbol MSFT',
    ]);
    expect(bars.rows.get('1:1d')?.size).toBe(1);
    expect(persister.stats.dead_lettered).toBe(4);
  });
});
