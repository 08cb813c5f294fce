import { performance } from 'node:perf_hooks';

import type { Registry } from 'prom-client';

import type { Logger } from '../logging';
import { DurableSpool, type SpoolRecord } from '../spool';
import { EventRing, type EventValue } from './event-ring';
import { attachPublisherMetrics } from './publisher-metrics';

export type { EventValue };

/** One event as it goes on the wire. */
export interface OutgoingEvent {
  readonly key: string;
  readonly value: string;
}

/** Where batches go: `KafkaAdapter.producer()` in production, a fake in unit tests. */
export interface EventSender {
  /** Resolves once the broker acknowledged every event of the batch; rejects otherwise. */
  send(topic: string, events: readonly OutgoingEvent[]): Promise<void>;
}

type PublisherLog = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface BufferedPublisherOptions {
  topic: string;
  sender: EventSender;
  /** The spill file (JSON lines, see `DurableSpool`); one writer process per file. */
  spoolPath: string;
  /** Events held in memory before the oldest ones move to the spill. Default 10,000. */
  bufferCapacity?: number;
  /** Most events per `send`. Default 500. */
  batchMaxEvents?: number;
  /** Most bytes (keys + values, UTF-8) per `send`; a larger single event is dropped. Default 900,000. */
  batchMaxBytes?: number;
  /** How long a partial batch waits for more events, ms. Default 5. */
  lingerMs?: number;
  /** First and largest wait after a failed send, ms (doubling in between). Default 100 / 2,000. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  metrics?: Registry;
  logger?: PublisherLog;
  /** Wall clock for event ages (ms since epoch); stored in the spill, so it must survive restarts. */
  clock?: () => number;
}

export type DropReason = 'closed' | 'unserializable' | 'too_large' | 'corrupt' | 'spill_failed';

export interface PublisherStats {
  topic: string;
  state: 'running' | 'closing' | 'closed';
  /** Events in memory (the batch in flight included). */
  buffered: number;
  /** Events in the spill (on disk or being written) not yet sent. */
  spilled: number;
  /** `buffered + spilled`: what Kafka has not acknowledged yet. */
  unsent: number;
  published: number;
  sent: number;
  spilledTotal: number;
  sendFailures: number;
  dropped: Record<DropReason, number>;
  /** Age of the oldest unsent event, ms; 0 when everything is sent. */
  oldestUnsentAgeMs: number;
  /** Current wait between failed sends, ms; 0 while sends succeed. */
  backoffMs: number;
}

/** One spill line. `v` is the serialized value once the line is written. */
interface SpillLine {
  k: string;
  v: EventValue;
  t: number;
}

type Batch =
  | { source: 'ring'; events: OutgoingEvent[] }
  | { source: 'spool'; events: OutgoingEvent[]; records: SpoolRecord[] };

/** Marks a ring slot whose value can never be sent (already counted as dropped). */
const DROPPED: object = Object.freeze({});

const silentLog: PublisherLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

function serialize(value: EventValue): string | undefined {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value);
    return typeof json === 'string' ? json : undefined;
  } catch {
    return undefined;
  }
}

function parseSpillLine(record: SpoolRecord): { k: string; v: string; t: number } | undefined {
  const line = record.value as Partial<SpillLine> | undefined;
  if (record.corrupt || typeof line !== 'object' || line === null) return undefined;
  if (typeof line.k !== 'string' || typeof line.v !== 'string' || typeof line.t !== 'number')
    return undefined;
  return { k: line.k, v: line.v, t: line.t };
}

function eventBytes(key: string, value: string): number {
  return Buffer.byteLength(key) + Buffer.byteLength(value);
}

/**
 * Publishes events to one Kafka topic without ever making the caller wait.
 *
 * `publish()` is synchronous and O(1): it appends to a fixed-size ring in memory. A
 * background loop sends batches (kafkajs does no client-side batching) and retries failed
 * ones with backoff, dropping nothing.
 *
 * Order: events reach Kafka in global publish order (per partition, as Kafka sees it). The
 * unsent events form one queue, `spill ++ memory`: when memory is full, publishing moves the
 * OLDEST memory event to the end of the spill, so the spill always holds the front of the
 * queue and memory the newest events. The loop sends the spill first, then memory, one batch
 * at a time; a failed batch is retried before anything behind it. A spill found at start (a
 * previous process's) is simply the front of the queue. `close()` appends what is left in
 * memory to the spill, which keeps the order for the next process.
 *
 * Delivery is at least once: a batch whose acknowledgement was lost is sent again, and
 * events in flight at `close()` are also kept in the spill. Consumers deduplicate by key.
 */
export class BufferedEventPublisher {
  readonly topic: string;
  private readonly ring: EventRing;
  private readonly sender: EventSender;
  private readonly batchMaxEvents: number;
  private readonly batchMaxBytes: number;
  private readonly lingerMs: number;
  private readonly backoffMinMs: number;
  private readonly backoffMaxMs: number;
  private readonly log: PublisherLog;
  private readonly clock: () => number;
  private readonly detachMetrics: () => void;

  /**
   * Evicted events not yet durable in the spool, oldest first, after the spool's lines. A ring
   * so that publishing on a full buffer allocates nothing; it grows while spill writes succeed.
   */
  private readonly staging = new EventRing(1_024);
  /** Events at the front of `staging` whose spool append is in progress. */
  private stagingWriting = 0;
  private flushing: Promise<void> | undefined;
  private flushScheduled = false;
  /** The last spill write failed (disk full, I/O error). */
  private spillFailing = false;
  /** Ring events (from the head) in the batch being sent. */
  private inflightRing = 0;
  /** Events of that batch that an overflow moved to the spill while they were in flight. */
  private evictedInFlight = 0;
  /** Events at the front of the spill that Kafka already acknowledged (see `evictedInFlight`). */
  private skipSpilled = 0;
  /** Publish time of the spill's oldest event, when it is known. */
  private spillHeadAt = 0;
  /** After a failure, the next batch is at most the failed one's size, so a retry resends the same events. */
  private retryLimit = Infinity;
  /** Consecutive failed sends, and consecutive other failures (spill writes, spool reads). */
  private failures = 0;
  private localFailures = 0;
  private failingSince = 0;
  private backoffMs = 0;

  private state: PublisherStats['state'] = 'running';
  private stopped = false;
  private wake: (() => void) | undefined;
  private interrupt: (() => void) | undefined;
  private readonly loop: Promise<void>;
  private closing: Promise<void> | undefined;

  private published = 0;
  private sent = 0;
  private spilledTotal = 0;
  private sendFailures = 0;
  private readonly dropped: Record<DropReason, number> = {
    closed: 0,
    unserializable: 0,
    too_large: 0,
    corrupt: 0,
    spill_failed: 0,
  };

  private constructor(
    options: BufferedPublisherOptions,
    private readonly spool: DurableSpool,
  ) {
    this.topic = options.topic;
    this.sender = options.sender;
    this.ring = new EventRing(options.bufferCapacity ?? 10_000);
    this.batchMaxEvents = options.batchMaxEvents ?? 500;
    this.batchMaxBytes = options.batchMaxBytes ?? 900_000;
    this.lingerMs = options.lingerMs ?? 5;
    this.backoffMinMs = options.backoffMinMs ?? 100;
    this.backoffMaxMs = Math.max(this.backoffMinMs, options.backoffMaxMs ?? 2_000);
    this.log = options.logger ?? silentLog;
    this.clock = options.clock ?? Date.now;
    this.detachMetrics = options.metrics ? attachPublisherMetrics(options.metrics, this) : () => undefined;
    this.loop = this.run();
  }

  /** Opens the spill (taking its lock) and starts sending, the spill left by a previous process first. */
  static async open(options: BufferedPublisherOptions): Promise<BufferedEventPublisher> {
    const spool = await DurableSpool.open(options.spoolPath);
    const publisher = new BufferedEventPublisher(options, spool);
    if (spool.pendingCount > 0) {
      publisher.log.info({ topic: options.topic, spilled: spool.pendingCount }, 'replaying spilled events');
    }
    return publisher;
  }

  /**
   * Queues one event; never throws and never waits. `value` is a JSON string or an object
   * serialized later, off the caller's path: do not mutate it after publishing.
   */
  publish(key: string, value: EventValue): void {
    if (this.state === 'closed') {
      this.dropped.closed++;
      return;
    }
    this.published++;
    if (this.ring.full) this.evictOldest();
    this.ring.push(key, value, this.clock());
    const wake = this.wake;
    if (wake !== undefined) {
      this.wake = undefined;
      wake();
    }
  }

  stats(): PublisherStats {
    const spilled = this.spilledCount();
    const buffered = this.ring.size;
    let oldest = 0;
    if (spilled > 0) oldest = this.spillHeadAt;
    else if (buffered > 0) oldest = this.ring.timeAt(0);
    return {
      topic: this.topic,
      state: this.state,
      buffered,
      spilled,
      unsent: buffered + spilled,
      published: this.published,
      sent: this.sent,
      spilledTotal: this.spilledTotal,
      sendFailures: this.sendFailures,
      dropped: { ...this.dropped },
      oldestUnsentAgeMs: oldest > 0 ? Math.max(0, this.clock() - oldest) : 0,
      backoffMs: this.backoffMs,
    };
  }

  /**
   * Stops intake and sends what it can within `timeoutMs`; whatever is left (memory included)
   * goes to the spill for the next process. Publishing after the close has begun still queues
   * until the memory is spilled; after that it is counted as dropped. Safe to call twice.
   */
  close(timeoutMs = 5_000): Promise<void> {
    this.closing ??= this.shutdown(timeoutMs);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    const remaining = (): number => Math.max(0, deadline - performance.now());
    this.state = 'closing';
    this.poke();
    while (this.ring.size + this.spilledCount() > 0 && remaining() > 0) {
      await delay(Math.min(10, remaining()));
    }
    this.stopped = true;
    this.poke();
    // A send in flight cannot be cancelled; past the deadline its events are spilled too.
    const loopEnded = await Promise.race([this.loop.then(() => true), delay(remaining()).then(() => false)]);
    this.state = 'closed';
    try {
      if (loopEnded && this.skipSpilled > 0) await this.commitDelivered();
      for (let i = 0; i < this.ring.size; i++) {
        const value = this.ring.valueAt(i);
        if (value === DROPPED) continue;
        if (this.staging.full) this.staging.grow();
        this.staging.push(this.ring.keyAt(i), value, this.ring.timeAt(i));
      }
      this.ring.drop(this.ring.size);
      await this.flushStaging();
      if (this.staging.size > 0) {
        this.dropped.spill_failed += this.staging.size;
        this.log.error(
          { topic: this.topic, lost: this.staging.size },
          'events lost: the spill could not be written',
        );
        this.staging.drop(this.staging.size);
      }
    } finally {
      await this.spool.close();
      this.detachMetrics();
    }
  }

  /** Moves the oldest memory event to the end of the spill (publish on a full ring). */
  private evictOldest(): void {
    const key = this.ring.keyAt(0);
    const value = this.ring.valueAt(0);
    const at = this.ring.timeAt(0);
    this.ring.drop(1);
    const inFlight = this.inflightRing > 0;
    if (inFlight) this.inflightRing--;
    if (value === DROPPED) return;
    if (this.staging.full) {
      if (this.spillFailing && this.staging.size >= this.ring.capacity) {
        // Spill writes fail and a whole buffer's worth waits for them: memory stays bounded.
        this.dropped.spill_failed++;
        return;
      }
      this.staging.grow();
    }
    if (inFlight) this.evictedInFlight++;
    if (this.spilledCount() === 0) this.spillHeadAt = at;
    this.staging.push(key, value, at);
    this.spilledTotal++;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flushStaging();
      });
    }
  }

  private spilledCount(): number {
    // Lines being appended are counted by the spool already.
    return this.spool.pendingCount + this.staging.size - this.stagingWriting - this.skipSpilled;
  }

  /** Writes staged events to the spool, in order; on a write error they stay staged. */
  private flushStaging(): Promise<void> {
    this.flushing ??= this.writeStaging().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writeStaging(): Promise<void> {
    while (this.staging.size > 0) {
      const n = this.staging.size;
      const lines: SpillLine[] = [];
      for (let i = 0; i < n; i++) {
        const value = this.staging.valueAt(i);
        if (value === DROPPED) continue;
        const json = serialize(value);
        if (json === undefined) {
          this.staging.setValueAt(i, DROPPED);
          this.dropped.unserializable++;
          continue;
        }
        // Kept serialized, so a retried write neither serializes nor counts a drop twice.
        if (json !== value) this.staging.setValueAt(i, json);
        lines.push({ k: this.staging.keyAt(i), v: json, t: this.staging.timeAt(i) });
      }
      this.stagingWriting = n;
      try {
        await this.spool.appendMany(lines);
        this.staging.drop(n);
        this.spillFailing = false;
      } catch (err) {
        this.spillFailing = true;
        this.log.error(
          { topic: this.topic, err, staged: this.staging.size },
          'could not write the event spill',
        );
        return;
      } finally {
        this.stagingWriting = 0;
      }
    }
  }

  private poke(): void {
    this.interrupt?.();
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Sleeps `ms`, cut short by `close()`. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      this.interrupt = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => {
      this.interrupt = undefined;
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.step();
      } catch (err) {
        if (this.stopped) return;
        // A spool read or compaction failed: keep everything and try again later.
        this.log.error({ topic: this.topic, err }, 'event publisher step failed');
        await this.pause(this.backoff(++this.localFailures));
      }
    }
  }

  private async step(): Promise<void> {
    if (this.skipSpilled > 0) return this.commitDelivered();
    let batch: Batch | undefined;
    if (this.spilledCount() > 0) {
      batch = await this.takeSpoolBatch();
      if (!batch) {
        // Lines still staged after a flush means the spill write failed: wait before retrying it.
        if (this.spool.pendingCount === 0 && this.staging.size > 0) {
          await this.pause(this.backoff(++this.localFailures));
        }
        return;
      }
    } else if (this.ring.size > 0) {
      if (this.ring.size < this.batchMaxEvents && this.failures === 0 && this.state === 'running') {
        await this.pause(this.lingerMs);
        // The ring may have overflowed while lingering: the spill is then the front.
        if (this.spilledCount() > 0 || this.stopped) return;
      }
      batch = this.takeRingBatch();
    } else {
      await new Promise<void>((resolve) => (this.wake = resolve));
      return;
    }
    if (batch.events.length > 0) {
      try {
        await this.sender.send(this.topic, batch.events);
      } catch (err) {
        if (this.state === 'closed') return;
        this.onSendFailure(batch, err);
        await this.pause(this.backoffMs);
        return;
      }
      if (this.state === 'closed') return;
      this.onSendSuccess(batch);
    }
    // Every event of the batch is acknowledged (or was dropped): release it.
    if (batch.source === 'ring') {
      this.ring.drop(this.inflightRing);
      this.skipSpilled += this.evictedInFlight;
      this.inflightRing = this.evictedInFlight = 0;
    } else {
      for (const record of batch.records) this.spool.commit(record);
      await this.spool.compact();
    }
  }

  private takeRingBatch(): Batch {
    const events: OutgoingEvent[] = [];
    const max = Math.min(this.batchMaxEvents, this.retryLimit);
    let bytes = 0;
    let span = 0;
    for (; span < this.ring.size && events.length < max; span++) {
      const value = this.ring.valueAt(span);
      if (value === DROPPED) continue;
      const key = this.ring.keyAt(span);
      const json = serialize(value);
      if (json === undefined) {
        this.dropSlot(span, 'unserializable');
        continue;
      }
      // Keep the serialized form so a retry does not serialize again.
      if (json !== value) this.ring.setValueAt(span, json);
      const size = eventBytes(key, json);
      if (size > this.batchMaxBytes) {
        this.dropSlot(span, 'too_large');
        continue;
      }
      if (bytes + size > this.batchMaxBytes && events.length > 0) break;
      events.push({ key, value: json });
      bytes += size;
    }
    this.inflightRing = span;
    this.evictedInFlight = 0;
    return { source: 'ring', events };
  }

  private dropSlot(i: number, reason: DropReason): void {
    this.ring.setValueAt(i, DROPPED);
    this.dropped[reason]++;
    this.log.warn({ topic: this.topic, key: this.ring.keyAt(i), reason }, 'event dropped');
  }

  private async takeSpoolBatch(): Promise<Batch | undefined> {
    if (this.spool.pendingCount === 0) await this.flushStaging();
    const records = await this.spool.peekMany(Math.min(this.batchMaxEvents, this.retryLimit));
    const events: OutgoingEvent[] = [];
    const taken: SpoolRecord[] = [];
    let bytes = 0;
    for (const record of records) {
      const line = parseSpillLine(record);
      const size = line ? eventBytes(line.k, line.v) : 0;
      if (!line || size > this.batchMaxBytes) {
        // Only the oldest line can be set aside (commits go in order); a bad one later waits its turn.
        if (taken.length > 0) break;
        const reason: DropReason = line ? 'too_large' : 'corrupt';
        await this.spool.quarantine(record, reason);
        this.dropped[reason]++;
        continue;
      }
      if (bytes + size > this.batchMaxBytes && events.length > 0) break;
      if (taken.length === 0) this.spillHeadAt = line.t;
      events.push({ key: line.k, value: line.v });
      taken.push(record);
      bytes += size;
    }
    return taken.length > 0 ? { source: 'spool', events, records: taken } : undefined;
  }

  /** Commits spill lines whose events Kafka acknowledged while they were in memory. */
  private async commitDelivered(): Promise<void> {
    while (this.skipSpilled > 0) {
      if (this.spool.pendingCount === 0) await this.flushStaging();
      if (this.spool.pendingCount === 0) {
        // The spill write failed, so they are still staged: drop them from there.
        const n = Math.min(this.skipSpilled, this.staging.size);
        this.staging.drop(n);
        this.skipSpilled = n > 0 ? this.skipSpilled - n : 0;
        continue;
      }
      const records = await this.spool.peekMany(this.skipSpilled);
      for (const record of records) this.spool.commit(record);
      this.skipSpilled -= records.length;
    }
    await this.spool.compact();
  }

  private onSendSuccess(batch: Batch): void {
    this.sent += batch.events.length;
    this.retryLimit = Infinity;
    if (this.failures > 0) {
      this.log.info(
        {
          topic: this.topic,
          failures: this.failures,
          outageMs: Math.round(performance.now() - this.failingSince),
        },
        'kafka reachable again; sending buffered events',
      );
    }
    this.failures = this.localFailures = 0;
    this.backoffMs = 0;
  }

  private onSendFailure(batch: Batch, err: unknown): void {
    // Events evicted in flight stay in the spill, the rest stays in memory: nothing to undo.
    this.inflightRing = this.evictedInFlight = 0;
    this.sendFailures++;
    this.retryLimit = batch.events.length;
    if (this.failures === 0) {
      this.failingSince = performance.now();
      this.log.warn({ topic: this.topic, err }, 'kafka send failed; buffering events');
    }
    this.backoffMs = this.backoff(++this.failures);
  }

  /** Wait after the `n`-th consecutive failure: min, 2·min, 4·min … capped at max. */
  private backoff(n: number): number {
    return Math.min(this.backoffMaxMs, this.backoffMinMs * 2 ** Math.min(n - 1, 30));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
