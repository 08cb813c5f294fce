import { parseMarketDataEvent } from '@tradeplane/contracts';
import {
  Counter,
  type ConsumedEvent,
  type EventConsumer,
  type KafkaAdapter,
  type Logger,
  type Registry,
} from '@tradeplane/platform';
import { UnknownSymbolError, type BarStore } from '../features';

/** What became of a bar: appended, or why it changed nothing. */
export type ConsumedBarOutcome =
  'appended' | 'duplicate' | 'out_of_order' | 'unknown_symbol' | 'malformed' | 'replay_held';

export interface MarketDataConsumerOptions {
  kafka: Pick<KafkaAdapter, 'consume'>;
  bars: Pick<BarStore, 'append' | 'cutoff'>;
  topic: string;
  metrics: Registry;
  log: Logger;
}

/**
 * The engine's consumer of the market-data topic: each bar is appended to the in-memory
 * series (a series not in memory is loaded first, as a request would). A duplicate — this
 * engine's own POSTed bars come back this way — or an out-of-order bar changes nothing and is
 * counted. It joins at the latest offset when its group is new: a starting engine reads its
 * history from PostgreSQL, not from the topic. Appends are O(1) and synchronous once a series
 * is loaded, so a batch never holds up the request path for longer than its bars take.
 *
 * A series under a replay cut-off on this engine takes bars only from the replay's own POSTs
 * (`replay_held`): the topic lags, and an echo of an earlier replay's bars (or a live bar)
 * arriving after a new replay has hidden the series would move its cut-off into the future,
 * showing the replay's decisions bars they must not see yet and refusing its next POST as older.
 * The persister stores them all; ending the replay reloads the series from PostgreSQL.
 */
export class MarketDataConsumer {
  private consumer: EventConsumer | null = null;
  private stopped = false;
  private readonly bars: Counter<'outcome'>;
  readonly stats: Record<ConsumedBarOutcome, number> = {
    appended: 0,
    duplicate: 0,
    out_of_order: 0,
    unknown_symbol: 0,
    malformed: 0,
    replay_held: 0,
  };

  constructor(private readonly options: MarketDataConsumerOptions) {
    this.bars = new Counter({
      name: 'tp_engine_market_data_bars_total',
      help: 'Bars read from the market-data topic, by outcome (appended, duplicate, out_of_order, unknown_symbol, malformed, replay_held)',
      labelNames: ['outcome'],
      registers: [options.metrics],
    });
  }

  /** Whether the consumer has joined its group. */
  get joined(): boolean {
    return this.consumer !== null;
  }

  /** Joins `groupId`: one group per engine instance, so that every replica reads every bar. */
  async start(groupId: string): Promise<void> {
    const consumer = await this.options.kafka.consume({
      groupId,
      topics: [this.options.topic],
      fromBeginning: false,
      handleBatch: (events) => this.handleBatch(events),
    });
    if (this.stopped) {
      await consumer.stop();
      return;
    }
    this.consumer = consumer;
    this.options.log.info({ topic: this.options.topic, groupId }, 'market-data consumer started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.stop();
  }

  /** One partition's batch. Public for tests. */
  async handleBatch(batch: readonly ConsumedEvent[]): Promise<void> {
    let firstMalformed: { offset: string; reason: string } | null = null;
    let malformed = 0;
    for (const message of batch) {
      const parsed = parseMarketDataEvent(message.value);
      if (!parsed.ok) {
        firstMalformed ??= { offset: message.offset, reason: parsed.reason };
        malformed++;
        this.count('malformed');
        continue;
      }
      const { bar } = parsed;
      if (this.options.bars.cutoff(bar.symbol, bar.timeframe) !== undefined) {
        this.count('replay_held');
        continue;
      }
      try {
        const outcome = await this.options.bars.append(bar.symbol, bar.timeframe, bar);
        this.count(outcome.status);
      } catch (err) {
        if (!(err instanceof UnknownSymbolError)) throw err; // PostgreSQL: the batch is retried
        this.count('unknown_symbol');
      }
    }
    if (firstMalformed)
      this.options.log.warn(
        { topic: this.options.topic, partition: batch[0]?.partition, malformed, first: firstMalformed },
        'ignored malformed market-data events',
      );
  }

  private count(outcome: ConsumedBarOutcome): void {
    this.stats[outcome]++;
    this.bars.inc({ outcome });
  }
}
