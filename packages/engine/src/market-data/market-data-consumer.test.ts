import { marketDataEventFromBar, type MarketBar } from '@tradeplane/contracts';
import { createLogger, Registry, type ConsumedEvent } from '@tradeplane/platform';
import { describe, expect, it } from 'vitest';
import { MarketDataConsumer } from './market-data-consumer';

const DAY = 86_400_000;

/** A bar as the engine publishes one it accepted (the contract's event builder). */
function barEvent(symbol: string, ts: number, offset: number): ConsumedEvent {
  const bar: MarketBar = {
    symbol,
    timeframe: '1d',
    ts,
    open: 10,
    high: 11,
    low: 9,
    close: 10.5,
    volume: 1000,
  };
  return {
    topic: 'market-data',
    partition: 0,
    offset: String(offset),
    key: symbol,
    value: JSON.stringify(marketDataEventFromBar(bar, 'test', ts)),
    timestamp: ts,
  };
}

describe('MarketDataConsumer', () => {
  it("takes no bar for a series under this engine's replay cut-off, and appends the others", async () => {
    const appended: string[] = [];
    const cutoffs = new Map([['GE\u00001d', Date.UTC(2014, 0, 2)]]);
    const consumer = new MarketDataConsumer({
      kafka: { consume: async () => ({ stop: async () => undefined }) as never },
      bars: {
        cutoff: (symbol, timeframe) => cutoffs.get(`${symbol}\u0000${timeframe}`),
        append: async (symbol, _tf, bar) => {
          appended.push(`${symbol}@${new Date(bar.ts).toISOString().slice(0, 10)}`);
          return { status: 'appended' } as never;
        },
      },
      topic: 'market-data',
      metrics: new Registry(),
      log: createLogger('test', 'silent'),
    });
    // An earlier replay's echo of GE in 2015 arrives after a new replay hid GE after 2014-01-02.
    const t = Date.UTC(2015, 7, 4);
    await consumer.handleBatch([barEvent('GE', t, 1), barEvent('AAPL', t, 2), barEvent('GE', t + DAY, 3)]);
    expect(appended).toEqual(['AAPL@2015-08-04']);
    expect(consumer.stats).toMatchObject({ appended: 1, replay_held: 2 });
    // The replay ended: its series take bars from the topic again.
    cutoffs.clear();
    await consumer.handleBatch([barEvent('GE', t + 2 * DAY, 4)]);
    expect(appended).toEqual(['AAPL@2015-08-04', 'GE@2015-08-06']);
  });
});
