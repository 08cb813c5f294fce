import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

import {
  artifactRecord,
  checkMetricPoints,
  uuidPattern,
  endRunInput,
  metricPoint,
  runParams,
  startRunInput,
  type ArtifactRecord,
  type MetricPoint,
} from '@tradeplane/contracts';
import { parseTrackingInput, type TrackingRepository } from '@tradeplane/db';
import type { Logger } from '@tradeplane/platform';

import type { ArtifactStore } from './artifact-store';
import { isBadData, isDatabaseUnavailable } from './database-errors';
import { DurableSpool, type SpoolRecord } from '@tradeplane/platform';
import { spoolLine, toSpoolLine, type TrackingOp } from './spool-ops';
import type { TrackingEventSink } from './tracking-events';

/** The repository calls the client makes (TrackingRepository; a fake in unit tests). */
export type TrackingWriter = Pick<
  TrackingRepository,
  'startRun' | 'logParams' | 'insertMetricBatch' | 'recordArtifact' | 'endRun'
>;

export interface TrackingClientOptions {
  repository: TrackingWriter;
  artifacts: ArtifactStore;
  /** This writer's spool file (JSON lines); one per concurrently running writer. */
  spoolPath: string;
  /** Recorded as the owner of the runs (and of experiments this client creates). */
  owner: string;
  events?: TrackingEventSink;
  /** How often buffered `logMetrics` points are sent, ms. */
  flushIntervalMs?: number;
  /** Points per metric batch sent for `logMetrics` (at most 10,000). */
  maxBatchSize?: number;
  /** How often a non-empty spool is replayed while the database is away, ms. */
  retryIntervalMs?: number;
  logger?: Logger;
  /** Epoch milliseconds; stamps points, run starts and ends. */
  clock?: () => number;
}

export interface MetricInput {
  key: string;
  value: number;
  step: number;
  /** Epoch ms; the client's clock when omitted. */
  ts?: number;
}

export interface StartRunOptions {
  experiment: string;
  name: string;
  params?: Record<string, string | number | boolean>;
  tags?: Record<string, string>;
  sourceCommit?: string;
  parentRunId?: string;
  /** Client-chosen id (e.g. to resume a run after a restart); a fresh UUID otherwise. */
  runId?: string;
}

export interface TrackingClientStats {
  /** Metric batches confirmed in the database, directly or by replay. */
  storedBatches: number;
  /** Writes that went to the spool instead of the database. */
  spooledOps: number;
  /** Spooled writes (of this or an earlier process) later stored by a replay. */
  replayedOps: number;
  /** Spooled writes not yet stored. */
  pendingSpoolOps: number;
  /** Spooled writes the database refused as bad data, kept in `<spool>.rejected`. */
  rejectedOps: number;
}

type StoredIn = 'database' | 'spool';

const optionsSchema = z.object({
  owner: z.string().min(1),
  spoolPath: z.string().min(1),
  flushIntervalMs: z.number().int().min(1),
  maxBatchSize: z.number().int().min(1).max(10_000),
  retryIntervalMs: z.number().int().min(1),
});

const metricsInput = z.object({ runId: z.string().uuid(), points: z.array(metricPoint) });
const batchInput = z.object({ runId: z.string().uuid(), points: z.array(metricPoint).min(1).max(10_000) });
const paramsInput = z.object({ runId: z.string().uuid(), params: runParams });
const artifactTarget = artifactRecord.pick({ runId: true, path: true, contentType: true });

/**
 * The run id and points of `value`: the points checked by hand (checkMetricPoints), `schema`
 * (zod) for the envelope and, when a point is bad, for the error's wording.
 */
function parseBatch(
  schema: typeof metricsInput | typeof batchInput,
  value: { runId: string; points: unknown },
  what: string,
): { runId: string; points: MetricPoint[] } {
  const points = Array.isArray(value.points) ? checkMetricPoints(value.points) : null;
  const sizeOk =
    schema === metricsInput || (points !== null && points.length >= 1 && points.length <= 10_000);
  if (points && sizeOk && typeof value.runId === 'string' && uuidPattern.test(value.runId))
    return { runId: value.runId, points };
  return parseTrackingInput(schema, value, what);
}

/** A spooled write that failed this many times for reasons other than an outage is set aside. */
const maxReplayFailures = 5;

/**
 * Experiment tracking for workers and the CLI. Writes go straight to PostgreSQL; when it
 * cannot be reached they go to a local durable spool instead, and from then on every later
 * write of this client goes there too (order is kept) until a background replay has stored
 * the spool in order and emptied it. Every write carries its idempotency (client-made run
 * and artifact ids, a key per metric batch), so a write stored before a crash or a lost
 * acknowledgement is stored once however often it is replayed. Bad data is refused at the
 * call (or by the database) and never spooled.
 */
export class TrackingClient {
  private mode: 'direct' | 'spooling';
  private readonly buffers = new Map<string, MetricPoint[]>();
  private readonly inflight = new Set<Promise<void>>();
  private backgroundError: unknown;
  private replaying: Promise<void> | undefined;
  private headFailures = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  private readonly counts = { storedBatches: 0, spooledOps: 0, replayedOps: 0, rejectedOps: 0 };
  private readonly repo: TrackingWriter;
  private readonly artifacts: ArtifactStore;
  private readonly events: TrackingEventSink | undefined;
  private readonly log: Logger | undefined;
  private readonly clock: () => number;
  private readonly owner: string;
  private readonly maxBatchSize: number;
  private readonly retryIntervalMs: number;

  private constructor(
    opts: TrackingClientOptions,
    config: z.infer<typeof optionsSchema>,
    private readonly spool: DurableSpool,
  ) {
    this.repo = opts.repository;
    this.artifacts = opts.artifacts;
    this.events = opts.events;
    this.log = opts.logger?.child({ scope: 'tracking', spool: config.spoolPath });
    this.clock = opts.clock ?? Date.now;
    this.owner = config.owner;
    this.maxBatchSize = config.maxBatchSize;
    this.retryIntervalMs = config.retryIntervalMs;
    this.mode = spool.pendingCount > 0 ? 'spooling' : 'direct';
    const flushTimer = setInterval(() => this.sendBuffered(), config.flushIntervalMs);
    const retryTimer = setInterval(() => {
      if (this.mode !== 'spooling') return;
      this.replay().catch((err: unknown) => this.log?.error({ err }, 'spool replay failed'));
    }, config.retryIntervalMs);
    // The timers never keep a process alive; close() flushes what they would have sent.
    flushTimer.unref();
    retryTimer.unref();
    this.timers.push(flushTimer, retryTimer);
  }

  /** Opens the spool and first replays, in order, what an earlier process left in it. */
  static async open(opts: TrackingClientOptions): Promise<TrackingClient> {
    const config = parseTrackingInput(
      optionsSchema,
      {
        owner: opts.owner,
        spoolPath: opts.spoolPath,
        flushIntervalMs: opts.flushIntervalMs ?? 200,
        maxBatchSize: opts.maxBatchSize ?? 500,
        retryIntervalMs: opts.retryIntervalMs ?? 1000,
      },
      'tracking client options',
    );
    const spool = await DurableSpool.open(config.spoolPath);
    const client = new TrackingClient(opts, config, spool);
    if (spool.pendingCount > 0) {
      client.log?.info({ pending: spool.pendingCount }, 'replaying spool left by an earlier process');
      try {
        await client.replay();
      } catch (err) {
        await client.close().catch(() => undefined);
        throw err;
      }
    }
    return client;
  }

  /** Starts a run; resolves with its id once it is stored or durably spooled. */
  async startRun(input: StartRunOptions): Promise<{ runId: string }> {
    this.assertOpen();
    const run = parseTrackingInput(
      startRunInput,
      { ...input, runId: input.runId ?? randomUUID(), owner: this.owner, startedAt: this.now() },
      'run start',
    );
    await this.write({ kind: 'startRun', input: run });
    return { runId: run.runId };
  }

  /** Merges params into the run's (a later value for the same name wins). */
  async logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void> {
    this.assertOpen();
    const input = parseTrackingInput(paramsInput, { runId, params }, 'params');
    await this.write({ kind: 'logParams', runId: input.runId, params: input.params });
  }

  /**
   * Buffers points; they are sent in batches of `maxBatchSize`, or every `flushIntervalMs`.
   * Bad points throw here, before anything is buffered. A batch that fails later for a
   * reason other than an outage is logged and rethrown by the next `flush()`.
   */
  logMetrics(runId: string, points: MetricInput[]): void {
    this.assertOpen();
    const input = parseBatch(metricsInput, { runId, points: this.stamp(points) }, 'metrics');
    let buffer = this.buffers.get(input.runId);
    if (!buffer) this.buffers.set(input.runId, (buffer = []));
    for (const p of input.points) buffer.push(p);
    if (buffer.length >= this.maxBatchSize) this.sendRun(input.runId, true);
  }

  /** Sends one batch now under a fresh idempotency key; resolves when committed or durably spooled. */
  async logMetricBatch(runId: string, points: MetricInput[]): Promise<{ storedIn: StoredIn }> {
    this.assertOpen();
    const batch = parseBatch(batchInput, { runId, points: this.stamp(points) }, 'metric batch');
    const storedIn = await this.write({
      kind: 'metricBatch',
      batch: { runId: batch.runId, idempotencyKey: randomUUID(), points: batch.points },
    });
    return { storedIn };
  }

  /**
   * Stores the bytes in the artifact store (which needs no database), then records
   * (run, path) → sha256; logging a path again points it at the new bytes. Returns the record
   * as stored (its id is the first one logged at this path) or, when spooled, as it will be.
   */
  async logArtifact(
    runId: string,
    path: string,
    content: Uint8Array | { file: string },
    contentType = 'application/octet-stream',
  ): Promise<ArtifactRecord> {
    this.assertOpen();
    parseTrackingInput(artifactTarget, { runId, path, contentType }, 'artifact');
    const bytes = content instanceof Uint8Array ? content : await readFile(content.file);
    const { sha256, size } = await this.artifacts.put(bytes);
    const record = parseTrackingInput(
      artifactRecord,
      { id: randomUUID(), runId, path, sha256, size, contentType },
      'artifact',
    );
    let stored: ArtifactRecord | undefined;
    await this.write({ kind: 'artifact', record }, (r) => (stored = r));
    return stored ?? record;
  }

  /** Sends the run's buffered points, then ends it. Ending an ended run changes nothing. */
  async endRun(
    runId: string,
    status: 'finished' | 'failed' | 'killed' = 'finished',
    failureReason?: string,
  ): Promise<void> {
    this.assertOpen();
    const input = parseTrackingInput(
      endRunInput,
      { runId, status, endedAt: this.now(), failureReason },
      'run end',
    );
    this.sendRun(input.runId, false);
    await this.settle();
    await this.write({ kind: 'endRun', input });
  }

  /** Resolves when everything logged so far is in the database or in the spool. */
  async flush(): Promise<void> {
    this.sendBuffered();
    await this.settle();
    const err = this.backgroundError;
    this.backgroundError = undefined;
    if (err !== undefined) throw err;
  }

  /** Flushes, then replays until the spool is empty; false when `timeoutMs` passes first. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.assertOpen();
    this.sendBuffered();
    await this.settle();
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.mode === 'direct' && this.spool.pendingCount === 0) return true;
      await this.replay();
      if (this.mode === 'direct' && this.spool.pendingCount === 0) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise((r) => setTimeout(r, Math.min(this.retryIntervalMs, left)));
    }
  }

  stats(): TrackingClientStats {
    return { ...this.counts, pendingSpoolOps: this.spool.pendingCount };
  }

  /**
   * Sends what is buffered, tries one last replay, and releases the spool (what is still in
   * it is replayed by the next `open` on the same path). Does not close the repository's
   * pool. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.sendBuffered();
    await this.settle();
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    if (this.backgroundError !== undefined) {
      this.log?.error({ err: this.backgroundError }, 'a buffered metric batch was not stored');
    }
    try {
      await (this.mode === 'spooling' ? this.replay() : this.replaying);
    } catch (err) {
      this.log?.error({ err }, 'last replay before close failed; the spool keeps its writes');
    } finally {
      await this.spool.close();
    }
  }

  private now(): number {
    return Math.floor(this.clock());
  }

  private stamp(points: MetricInput[]): unknown {
    if (!Array.isArray(points)) return points;
    const now = this.now();
    return points.map((p) => (p && typeof p === 'object' && p.ts === undefined ? { ...p, ts: now } : p));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('tracking client is closed');
  }

  private sendBuffered(): void {
    for (const runId of this.buffers.keys()) this.sendRun(runId, false);
  }

  /** Sends a run's buffered points in batches; `fullOnly` keeps a last partial batch buffered. */
  private sendRun(runId: string, fullOnly: boolean): void {
    const buffer = this.buffers.get(runId);
    if (!buffer || buffer.length === 0) return;
    while (buffer.length >= (fullOnly ? this.maxBatchSize : 1)) {
      const points = buffer.splice(0, this.maxBatchSize);
      const batch = { runId, idempotencyKey: randomUUID(), points };
      const sent: Promise<void> = this.write({ kind: 'metricBatch', batch }).then(
        () => undefined,
        (err: unknown) => {
          this.log?.error({ err, runId, points: points.length }, 'metric batch not stored');
          this.backgroundError ??= err;
        },
      );
      this.inflight.add(sent);
      void sent.finally(() => this.inflight.delete(sent));
    }
    if (buffer.length === 0) this.buffers.delete(runId);
  }

  private async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all(this.inflight);
  }

  /**
   * The routing rule: straight to the database while nothing is spooled; to the spool when
   * the database is unreachable, and for every write after that until a replay empties it.
   */
  private async write(op: TrackingOp, onArtifact?: (r: ArtifactRecord) => void): Promise<StoredIn> {
    if (this.mode === 'direct') {
      try {
        await this.apply(op, onArtifact);
        return 'database';
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err;
        // A write may have committed before its acknowledgement was lost: its idempotency
        // makes the replay a no-op then.
        if (this.mode === 'direct') this.log?.warn({ err }, 'database unreachable: spooling tracking writes');
        this.mode = 'spooling';
      }
    }
    // Appended synchronously after the mode check, so the spool keeps the order of the calls.
    await this.spool.append(toSpoolLine(op));
    this.counts.spooledOps++;
    return 'spool';
  }

  private async apply(op: TrackingOp, onArtifact?: (r: ArtifactRecord) => void): Promise<void> {
    switch (op.kind) {
      case 'startRun': {
        // Events are at-least-once: a replayed write announces again (its first commit may
        // have lost its acknowledgement before announcing), always with the stored state.
        const { experimentId } = await this.repo.startRun(op.input);
        this.emit('runStatus', {
          runId: op.input.runId,
          experimentId,
          status: 'running',
          at: op.input.startedAt,
        });
        return;
      }
      case 'logParams':
        return this.repo.logParams(op.runId, op.params);
      case 'metricBatch': {
        await this.repo.insertMetricBatch(op.batch);
        this.counts.storedBatches++;
        this.emit('runMetrics', { runId: op.batch.runId, points: op.batch.points });
        return;
      }
      case 'artifact': {
        const stored = await this.repo.recordArtifact(op.record);
        onArtifact?.(stored);
        return;
      }
      case 'endRun': {
        const { experimentId, status } = await this.repo.endRun(op.input);
        this.emit('runStatus', { runId: op.input.runId, experimentId, status, at: op.input.endedAt });
        return;
      }
      default:
        return assertNever(op);
    }
  }

  private emit<K extends keyof TrackingEventSink>(kind: K, event: Parameters<TrackingEventSink[K]>[0]): void {
    if (!this.events) return;
    try {
      (this.events[kind] as (e: typeof event) => void)(event);
    } catch (err) {
      this.log?.debug({ err, kind }, 'tracking event sink failed');
    }
  }

  /** Stores the spool in order; stops at the first outage (the retry timer comes back). */
  private replay(): Promise<void> {
    this.replaying ??= this.replayOnce().finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  private async replayOnce(): Promise<void> {
    while (this.spool.pendingCount > 0) {
      const record = await this.spool.peek();
      if (!record) break;
      const parsed = record.corrupt ? undefined : spoolLine.safeParse(record.value);
      if (!parsed?.success) {
        await this.setAside(record, 'unreadable spool line');
        continue;
      }
      try {
        await this.apply(parsed.data.op);
      } catch (err) {
        if (isDatabaseUnavailable(err)) return;
        this.headFailures++;
        if (isBadData(err) || this.headFailures >= maxReplayFailures) {
          await this.setAside(record, err instanceof Error ? err.message : String(err));
          continue;
        }
        this.log?.warn({ err, failures: this.headFailures }, 'spooled write failed; retrying later');
        return;
      }
      this.headFailures = 0;
      this.spool.commit(record);
      this.counts.replayedOps++;
    }
    if (this.spool.pendingCount === 0) {
      // Checked and switched with no await in between: a write issued after this goes direct.
      if (this.mode === 'spooling') this.log?.info({ replayed: this.counts.replayedOps }, 'spool replayed');
      this.mode = 'direct';
      await this.spool.compact();
    }
  }

  private async setAside(record: SpoolRecord, reason: string): Promise<void> {
    this.log?.error({ reason, line: record.line.slice(0, 500) }, 'spooled write rejected; kept in .rejected');
    this.headFailures = 0;
    await this.spool.quarantine(record, reason);
    this.counts.rejectedOps++;
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled tracking op ${JSON.stringify(x)}`);
}
