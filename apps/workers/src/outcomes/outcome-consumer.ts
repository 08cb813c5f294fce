/**
 * The outcome ledger's consumer: a Kafka consumer group on `decisions` that books every
 * decision's realized result per target and arm (outcome-rows.ts) in `decision_outcomes`.
 *
 * Delivery: kafkajs commits a batch's offsets only after `handleBatch` resolves, and the rows
 * are stored (ON CONFLICT DO NOTHING on decision × symbol × arm) before that; a crash replays
 * from the last commit and the replay changes nothing — each row is stored exactly once. A
 * batch that cannot be stored rejects and is retried from the last commit.
 *
 * A decision whose next bar is stored already (a historical asOf) is recorded at once; the
 * others are stored `waiting` and resolved when the bar arrives: on the bars-stored signal of
 * the persister in the same process, and on a sweep every `sweepMs` whatever the signal did.
 * Resolution updates only rows still waiting, so a signal and a sweep racing record a row once.
 *
 * A sample of the decisions recorded (at most `samplePerSecond`, all replicas together via a
 * Redis slot claim) is published for the gateway's `outcomeRecorded` subscription.
 */
import {
  channels,
  parseDecisionEvent,
  type DeadLetter,
  type DecisionEvent,
  type OutcomeRecorded,
} from '@tradeplane/contracts';
import type { NewOutcomeRow, OutcomeKey, OutcomesRepository } from '@tradeplane/db';
import {
  Counter,
  Gauge,
  SlotSampler,
  TopicConsumer,
  type BatchPosition,
  type ConsumedEvent,
  type TopicConsumerDeps,
} from '@tradeplane/platform';
import type { BarsStored, BarsStoredSignal } from '../market-data/bars-stored';
import { barKeyText, outcomeRecordedMessage, outcomeRows, resultFromCloses, rowBar } from './outcome-rows';

export interface OutcomeConsumerOptions extends TopicConsumerDeps {
  store: Pick<
    OutcomesRepository,
    'storeMany' | 'closesAfter' | 'resolvable' | 'resolveWaiting' | 'waitingCount' | 'forDecision'
  >;
  /** The persister's signal in this process, when it runs here. */
  barsStored?: Pick<BarsStoredSignal, 'on'>;
  costBps: number;
  sweepMs: number;
  samplePerSecond: number;
  /** Claims a sample slot for all replicas (SET NX with a short expiry); true when this one got it. */
  claimSlot(slot: number, ttlMs: number): Promise<boolean>;
  publish(channel: string, message: OutcomeRecorded): Promise<void>;
}

/** Waiting rows resolved per query of a sweep. */
const RESOLVE_CHUNK = 5_000;

type Series = { symbol: string; timeframe: string };

export class OutcomeConsumer {
  private readonly consumer: TopicConsumer;
  private stopped = false;
  private sweepTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  /** One resolution at a time; a request made meanwhile runs once after it. */
  private resolving: Promise<void> = Promise.resolve();
  private pending: { all: boolean; series: Map<string, Series> } | null = null;
  private readonly sampler: SlotSampler;
  private readonly rowsTotal: Counter<'status'>;
  private readonly waiting: Gauge;
  /** Totals since start, for tests and /healthz. */
  readonly stats = {
    recorded: 0,
    waiting: 0,
    resolved: 0,
    duplicates: 0,
    deadLettered: 0,
    sampled: 0,
    batches: 0,
  };

  constructor(private readonly options: OutcomeConsumerOptions) {
    this.consumer = new TopicConsumer({
      ...options,
      handleBatch: (events, position) => this.handleBatch(events, position),
      partitionsConsumedConcurrently: 3,
      metricText: {
        events: {
          name: 'tp_outcome_events_total',
          help: 'Decision events handled by the outcome consumer, by outcome (booked, dead_lettered)',
        },
        lagMessages: {
          name: 'tp_outcome_consumer_lag_messages',
          help: 'Messages of the decisions topic behind the high watermark, per partition, after the last batch',
        },
        lagSeconds: {
          name: 'tp_outcome_consumer_lag_seconds',
          help: 'Age of the newest decision of the last stored batch when it was stored',
        },
      },
    });
    this.sampler = new SlotSampler(options.samplePerSecond);
    const registers = [options.metrics];
    this.rowsTotal = new Counter({
      name: 'tp_outcome_rows_total',
      help: 'Ledger rows (decision × target × arm) by what happened: recorded at once, stored waiting, resolved later, duplicate',
      labelNames: ['status'],
      registers,
    });
    this.waiting = new Gauge({
      name: 'tp_outcome_waiting_rows',
      help: 'Ledger rows waiting for their next bar, after the last sweep',
      registers,
    });
  }

  /** Joins the group (from the oldest message when the group is new) and starts the sweeps. */
  async start(): Promise<void> {
    if (!(await this.consumer.start())) return;
    this.unsubscribe =
      this.options.barsStored?.on((stored: readonly BarsStored[]) =>
        this.requestResolve(stored.filter((s) => s.inserted > 0)),
      ) ?? null;
    this.sweepTimer = setInterval(() => this.requestResolve(null), this.options.sweepMs);
    this.sweepTimer.unref();
    this.requestResolve(null);
    this.options.log.info(
      { topic: this.options.topic, groupId: this.options.groupId, costBps: this.options.costBps },
      'outcome consumer started',
    );
  }

  /** Stops the sweeps, finishes the batch in hand and leaves the group. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.consumer.stop();
    await this.resolving;
  }

  /** One partition's batch. Public for tests. */
  async handleBatch(batch: readonly ConsumedEvent[], position?: BatchPosition): Promise<void> {
    const rows: NewOutcomeRow[] = [];
    const dead: DeadLetter[] = [];
    let newest = 0;
    for (const message of batch) {
      const parsed = parseDecisionEvent(message.value);
      if (!parsed.ok) {
        dead.push(this.consumer.deadLetter(message, parsed.reason));
        continue;
      }
      const event: DecisionEvent = parsed.event;
      if (message.key !== null && message.key !== event.id) {
        dead.push(
          this.consumer.deadLetter(message, `key '${message.key}' is not the decision id '${event.id}'`),
        );
        continue;
      }
      const built = outcomeRows(event, this.options.costBps);
      if (!built.ok) {
        dead.push(this.consumer.deadLetter(message, built.reason));
        continue;
      }
      rows.push(...built.rows);
      newest = Math.max(newest, event.at);
    }

    const closes = await this.options.store.closesAfter(rows.map(rowBar));
    for (const row of rows) row.result = resultFromCloses(row, closes.get(barKeyText(rowBar(row))));

    // Dead letters first: once the rows are stored the offsets may be committed.
    // Not `+= await`: that reads the total before the send, while another partition adds to it.
    const deadLettered = await this.consumer.sendDeadLetters(
      dead,
      'dead-lettered decision events the ledger cannot book',
    );
    this.stats.deadLettered += deadLettered;

    const stored = await this.options.store.storeMany(rows);
    const storedKeys = new Set(stored.map(keyText));
    let recorded = 0;
    let waiting = 0;
    const fullyRecorded = new Map<string, boolean>();
    for (const row of rows) {
      if (!storedKeys.has(keyText(row))) continue;
      if (row.result) recorded++;
      else waiting++;
      fullyRecorded.set(row.decisionId, (fullyRecorded.get(row.decisionId) ?? true) && row.result !== null);
    }
    const duplicates = rows.length - stored.length;
    this.rowsTotal.inc({ status: 'recorded' }, recorded);
    this.rowsTotal.inc({ status: 'waiting' }, waiting);
    this.rowsTotal.inc({ status: 'duplicate' }, duplicates);
    this.consumer.count('booked', fullyRecorded.size);
    this.stats.recorded += recorded;
    this.stats.waiting += waiting;
    this.stats.duplicates += duplicates;
    this.stats.batches++;
    this.consumer.recordLag(position, newest);
    const sample = [...fullyRecorded].filter(([, all]) => all).at(-1);
    if (sample) await this.sample(sample[0]);
  }

  /**
   * Resolves waiting rows: of the named series (a signal), or all of them (null: a sweep).
   * Requests made while one runs are merged and run once after it.
   */
  requestResolve(series: readonly Series[] | null): Promise<void> {
    if (this.stopped || (series && series.length === 0)) return this.resolving;
    const first = this.pending === null;
    this.pending ??= { all: false, series: new Map() };
    if (series === null) this.pending.all = true;
    else for (const s of series) this.pending.series.set(`${s.symbol}|${s.timeframe}`, s);
    if (!first) return this.resolving;
    this.resolving = this.resolving.then(async () => {
      const request = this.pending!;
      this.pending = null;
      try {
        await this.resolve(request.all ? undefined : [...request.series.values()]);
        if (request.all) this.waiting.set(await this.options.store.waitingCount());
      } catch (err) {
        // The next sweep tries again; nothing is lost while PostgreSQL is away.
        this.options.log.warn({ err }, 'could not resolve waiting outcomes');
      }
    });
    return this.resolving;
  }

  private async resolve(series: Series[] | undefined): Promise<void> {
    for (;;) {
      const ready = await this.options.store.resolvable(RESOLVE_CHUNK, series);
      if (ready.length === 0) return;
      const moved = await this.options.store.resolveWaiting(
        ready.map((r) => ({
          decisionId: r.decisionId,
          symbol: r.symbol,
          arm: r.arm,
          result: resultFromCloses(r, r)!,
        })),
      );
      this.rowsTotal.inc({ status: 'resolved' }, moved.length);
      this.stats.resolved += moved.length;
      const last = moved.at(-1);
      if (last) await this.sample(last.decisionId);
      if (ready.length < RESOLVE_CHUNK || moved.length === 0) return;
    }
  }

  /** Publishes a decision's outcome when its slot is free and all of its rows are recorded. */
  private async sample(decisionId: string): Promise<void> {
    const slot = this.sampler.take(this.consumer.clock());
    if (slot === null) return;
    try {
      if (!(await this.options.claimSlot(slot, Math.ceil(this.sampler.slotMs * 2)))) return;
      const message = outcomeRecordedMessage(await this.options.store.forDecision(decisionId));
      if (!message) return;
      await this.options.publish(channels.outcomeRecorded, message);
      this.stats.sampled++;
    } catch (err) {
      // A missed sample is not worth replaying the batch for.
      this.options.log.warn({ err, decisionId }, 'could not publish a recorded outcome');
    }
  }
}

const keyText = (k: OutcomeKey) => `${k.decisionId}|${k.symbol}|${k.arm}`;
