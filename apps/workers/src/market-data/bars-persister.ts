/**
 * The bars persister: a Kafka consumer group on the market-data topic that stores every bar
 * in `bars`, idempotently.
 *
 * Delivery: offsets are committed only after a batch is stored (at least once); the store
 * never overwrites (`BarsRepository.insertNew`), so a redelivered bar is a duplicate and
 * changes nothing — together, each bar is stored exactly once. A batch that cannot be stored
 * (PostgreSQL down) rejects and is retried from the last commit; nothing is skipped.
 *
 * Outcomes per bar:
 *   - inserted: newer than the series' newest stored bar;
 *   - duplicate: the same bar is stored (a redelivery, a replayed bar);
 *   - late: at or before the newest stored bar with other values, or out of order within the
 *     batch: refused and counted (live bars never rewrite history; an import can);
 *   - dead-lettered: not a bar event, or an unknown symbol: sent with the reason to the
 *     dead-letter topic, and the persister goes on.
 * It publishes no `bars.updated`: that would make every engine drop the series it appends to.
 */
import { parseMarketDataEvent, type DeadLetter, type MarketBar } from '@tradeplane/contracts';
import type { BarsRepository, InstrumentsRepository } from '@tradeplane/db';
import {
  TopicConsumer,
  type BatchPosition,
  type ConsumedEvent,
  type TopicConsumerDeps,
} from '@tradeplane/platform';
import type { BarsStored, BarsStoredSignal } from './bars-stored';

export type PersistedBarOutcome = 'inserted' | 'duplicate' | 'late' | 'dead_lettered';

export interface BarsPersisterOptions extends TopicConsumerDeps {
  bars: Pick<BarsRepository, 'insertNew'>;
  instruments: Pick<InstrumentsRepository, 'findBySymbol'>;
  /** Told after each stored batch which series got new bars. */
  stored: BarsStoredSignal;
}

export class BarsPersister {
  private readonly consumer: TopicConsumer;
  /** Instrument ids by symbol (instruments are never renamed or removed). */
  private readonly ids = new Map<string, number>();
  readonly stats: Record<PersistedBarOutcome, number> & { batches: number } = {
    inserted: 0,
    duplicate: 0,
    late: 0,
    dead_lettered: 0,
    batches: 0,
  };

  constructor(private readonly options: BarsPersisterOptions) {
    this.consumer = new TopicConsumer({
      ...options,
      handleBatch: (events, position) => this.handleBatch(events, position),
      // One partition's insert overlaps another's parsing.
      partitionsConsumedConcurrently: 3,
      metricText: {
        events: {
          name: 'tp_market_data_bars_persisted_total',
          help: 'Bars handled by the persister, by outcome (inserted, duplicate, late, dead_lettered)',
        },
        lagMessages: {
          name: 'tp_market_data_persister_lag_messages',
          help: 'Messages of the market-data topic behind the high watermark, per partition, after the last batch',
        },
        lagSeconds: {
          name: 'tp_market_data_persister_lag_seconds',
          help: 'Age of the newest bar event of the last stored batch (accepted by the engine → stored)',
        },
      },
    });
  }

  /** Joins the group (from the oldest message when the group is new: no bar is skipped). */
  async start(): Promise<void> {
    if (!(await this.consumer.start())) return;
    this.options.log.info(
      { topic: this.options.topic, groupId: this.options.groupId, deadLetters: this.options.deadLetterTopic },
      'bars persister started',
    );
  }

  /** Finishes the batch in hand and leaves the group. Safe to call twice. */
  stop(): Promise<void> {
    return this.consumer.stop();
  }

  /** One partition's batch. Public for tests. */
  async handleBatch(batch: readonly ConsumedEvent[], position?: BatchPosition): Promise<void> {
    const series = new Map<
      string,
      { instrumentId: number; symbol: string; timeframe: string; bars: MarketBar[] }
    >();
    const dead: DeadLetter[] = [];
    let late = 0;
    let newestAccepted = 0;
    for (const message of batch) {
      const parsed = parseMarketDataEvent(message.value);
      if (!parsed.ok) {
        dead.push(this.consumer.deadLetter(message, parsed.reason));
        continue;
      }
      const { bar, event } = parsed;
      if (message.key !== null && message.key !== bar.symbol) {
        dead.push(
          this.consumer.deadLetter(message, `key '${message.key}' is not the symbol '${bar.symbol}'`),
        );
        continue;
      }
      const instrumentId = await this.instrumentId(bar.symbol);
      if (instrumentId === null) {
        dead.push(this.consumer.deadLetter(message, `symbol: unknown symbol ${bar.symbol}`));
        continue;
      }
      newestAccepted = Math.max(newestAccepted, event.acceptedAt);
      const key = `${instrumentId}\u0000${bar.timeframe}`;
      let entry = series.get(key);
      if (!entry)
        series.set(key, (entry = { instrumentId, symbol: bar.symbol, timeframe: bar.timeframe, bars: [] }));
      // The store takes a series oldest first; a bar not after the batch's previous one of its
      // series is a redelivery within the batch (identical: dropped) or late.
      const previous = entry.bars.at(-1);
      if (previous && bar.ts <= previous.ts) {
        if (!(bar.ts === previous.ts && sameValues(bar, previous))) late++;
        else this.count('duplicate', 1);
        continue;
      }
      entry.bars.push(bar);
    }

    // Dead letters first: once the bars are stored the offsets may be committed.
    // Not `+= await`: that reads the total before the send, while another partition adds to it.
    const deadLettered = await this.consumer.sendDeadLetters(dead, 'dead-lettered market-data events');
    this.stats.dead_lettered += deadLettered;

    const signalled: BarsStored[] = [];
    for (const entry of series.values()) {
      const result = await this.options.bars.insertNew(
        entry.instrumentId,
        entry.timeframe,
        columnsOf(entry.bars),
      );
      this.count('inserted', result.inserted);
      this.count('duplicate', result.duplicates);
      late += result.late;
      if (result.inserted > 0 && result.lastTs !== null)
        signalled.push({
          symbol: entry.symbol,
          timeframe: entry.timeframe,
          lastTs: result.lastTs,
          inserted: result.inserted,
        });
    }
    if (late > 0) {
      this.count('late', late);
      this.options.log.warn({ late, partition: position?.partition }, 'refused late market-data bars');
    }
    this.stats.batches++;
    this.consumer.recordLag(position, newestAccepted);
    this.options.stored.emit(signalled);
  }

  private async instrumentId(symbol: string): Promise<number | null> {
    const known = this.ids.get(symbol);
    if (known !== undefined) return known;
    const instrument = await this.options.instruments.findBySymbol(symbol);
    if (instrument) this.ids.set(symbol, instrument.id);
    return instrument?.id ?? null;
  }

  private count(outcome: PersistedBarOutcome, n: number): void {
    if (n === 0) return;
    this.stats[outcome] += n;
    this.consumer.count(outcome, n);
  }
}

function sameValues(a: MarketBar, b: MarketBar): boolean {
  return (
    a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume
  );
}

function columnsOf(bars: readonly MarketBar[]) {
  const col = (pick: (b: MarketBar) => number) => Float64Array.from(bars, pick);
  return {
    ts: col((b) => b.ts),
    open: col((b) => b.open),
    high: col((b) => b.high),
    low: col((b) => b.low),
    close: col((b) => b.close),
    volume: col((b) => b.volume ?? Number.NaN),
  };
}
