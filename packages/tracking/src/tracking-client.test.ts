import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import type {
  ArtifactRecord,
  EndRunInput,
  MetricBatch,
  RunMetricsEvent,
  RunStatusEvent,
  StartRunInput,
} from '@tradeplane/contracts';
import { TrackingError } from '@tradeplane/db';

import { LocalDirectoryArtifactStore, sha256Of } from './artifact-store';
import { DurableSpool } from '@tradeplane/platform';
import { toSpoolLine } from './spool-ops';
import { TrackingClient, type TrackingClientOptions, type TrackingWriter } from './tracking-client';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' });

/** An in-memory repository with the real one's idempotency, and a switch that "stops PostgreSQL". */
class FakeRepository implements TrackingWriter {
  down = false;
  /** Commits the next metric batch, then fails as if the connection dropped before the reply. */
  loseNextAck = false;
  readonly log: string[] = [];
  readonly runs = new Map<string, { status: string; params: Record<string, unknown> }>();
  readonly batches = new Set<string>();
  readonly points: Array<{ runId: string; key: string; step: number }> = [];
  readonly artifacts = new Map<string, ArtifactRecord>();

  private reach(what: string): void {
    if (this.down) throw refused();
    this.log.push(what);
  }

  async startRun(input: StartRunInput) {
    this.reach(`start ${input.name}`);
    const created = !this.runs.has(input.runId);
    if (created) this.runs.set(input.runId, { status: 'running', params: { ...input.params } });
    return { experimentId: 'exp-1', created };
  }

  async logParams(runId: string, params: Record<string, string | number | boolean>) {
    this.reach(`params ${Object.keys(params).join(',')}`);
    const run = this.runs.get(runId);
    if (!run) throw new TrackingError('TRACKING_RUN_NOT_FOUND', `runId ${runId}: no such run`, 'runId');
    Object.assign(run.params, params);
  }

  async insertMetricBatch(batch: MetricBatch) {
    this.reach(`batch ${batch.points.map((p) => `${p.key}@${p.step}`).join(',')}`);
    if (!this.runs.has(batch.runId)) {
      throw new TrackingError('TRACKING_RUN_NOT_FOUND', `runId ${batch.runId}: no such run`, 'runId');
    }
    const duplicate = this.batches.has(batch.idempotencyKey);
    if (!duplicate) {
      this.batches.add(batch.idempotencyKey);
      for (const p of batch.points) this.points.push({ runId: batch.runId, key: p.key, step: p.step });
    }
    if (this.loseNextAck) {
      this.loseNextAck = false;
      throw Object.assign(new Error('Connection terminated unexpectedly'), {});
    }
    return { inserted: duplicate ? 0 : batch.points.length, duplicate };
  }

  async recordArtifact(rec: ArtifactRecord) {
    this.reach(`artifact ${rec.path}`);
    const key = `${rec.runId}/${rec.path}`;
    const stored = { ...rec, id: this.artifacts.get(key)?.id ?? rec.id };
    this.artifacts.set(key, stored);
    return stored;
  }

  async endRun(input: EndRunInput) {
    this.reach(`end ${input.status}`);
    const run = this.runs.get(input.runId)!;
    const changed = run.status === 'running';
    if (changed) run.status = input.status;
    return { experimentId: 'exp-1', status: run.status as EndRunInput['status'], changed };
  }
}

const clients: TrackingClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function setup(overrides: Partial<TrackingClientOptions> = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tp-tracking-'));
  const repo = new FakeRepository();
  const events = { status: [] as RunStatusEvent[], metrics: [] as RunMetricsEvent[] };
  const options: TrackingClientOptions = {
    repository: repo,
    artifacts: new LocalDirectoryArtifactStore(path.join(dir, 'artifacts')),
    spoolPath: path.join(dir, 'spool', 'writer.jsonl'),
    owner: 'tester',
    events: { runStatus: (e) => events.status.push(e), runMetrics: (e) => events.metrics.push(e) },
    flushIntervalMs: 60_000,
    retryIntervalMs: 60_000,
    clock: () => 1_700_000_000_000,
    ...overrides,
  };
  const client = await TrackingClient.open(options);
  clients.push(client);
  return { dir, repo, events, options, client };
}

describe('TrackingClient', () => {
  it('writes straight to the database while it is reachable, and announces each commit', async () => {
    const { repo, events, client } = await setup();
    const { runId } = await client.startRun({ experiment: 'e', name: 'r1', params: { lr: 0.1 } });
    expect(await client.logMetricBatch(runId, [{ key: 'loss', value: 1, step: 0 }])).toEqual({
      storedIn: 'database',
    });
    await client.endRun(runId);
    expect(repo.log).toEqual(['start r1', 'batch loss@0', 'end finished']);
    expect(events.status.map((e) => e.status)).toEqual(['running', 'finished']);
    expect(events.metrics[0]).toEqual({
      runId,
      points: [{ key: 'loss', value: 1, step: 0, ts: 1_700_000_000_000 }],
    });
    expect(client.stats()).toMatchObject({ storedBatches: 1, spooledOps: 0, pendingSpoolOps: 0 });
  });

  it('spools while the database is down, keeps spooling until the spool is replayed, and replays in order', async () => {
    const { repo, events, client } = await setup();
    const { runId } = await client.startRun({ experiment: 'e', name: 'r1' });
    repo.down = true;
    expect((await client.logMetricBatch(runId, [{ key: 'loss', value: 1, step: 1 }])).storedIn).toBe('spool');
    await client.logParams(runId, { a: 1 });
    repo.down = false;
    // Reachable again, but earlier writes are still spooled: this one queues behind them.
    expect((await client.logMetricBatch(runId, [{ key: 'loss', value: 2, step: 2 }])).storedIn).toBe('spool');
    expect(events.metrics).toHaveLength(0);
    expect(client.stats()).toMatchObject({ spooledOps: 3, pendingSpoolOps: 3 });

    expect(await client.drain(5_000)).toBe(true);
    expect(repo.log).toEqual(['start r1', 'batch loss@1', 'params a', 'batch loss@2']);
    expect(events.metrics).toHaveLength(2);
    expect(client.stats()).toMatchObject({ replayedOps: 3, pendingSpoolOps: 0, storedBatches: 2 });
    expect((await client.logMetricBatch(runId, [{ key: 'loss', value: 3, step: 3 }])).storedIn).toBe(
      'database',
    );
  });

  it('resolves startRun while the database is down and stores the run first on replay', async () => {
    const { repo, client } = await setup();
    repo.down = true;
    const { runId } = await client.startRun({ experiment: 'e', name: 'offline' });
    client.logMetrics(runId, [{ key: 'loss', value: 1, step: 0 }]);
    await client.endRun(runId, 'failed', 'oom');
    repo.down = false;
    expect(await client.drain(5_000)).toBe(true);
    expect(repo.log).toEqual(['start offline', 'batch loss@0', 'end failed']);
    expect(repo.runs.get(runId)?.status).toBe('failed');
  });

  it('stores a batch whose acknowledgement was lost exactly once (spooled, then replayed as a duplicate)', async () => {
    const { repo, events, client } = await setup();
    const { runId } = await client.startRun({ experiment: 'e', name: 'r1' });
    repo.loseNextAck = true;
    expect((await client.logMetricBatch(runId, [{ key: 'loss', value: 1, step: 0 }])).storedIn).toBe('spool');
    expect(await client.drain(5_000)).toBe(true);
    expect(repo.points).toHaveLength(1);
    // Announced by the replay: the first commit lost its acknowledgement before it could be.
    expect(events.metrics).toHaveLength(1);
  });

  it('throws bad data at the caller, naming the field, and writes nothing', async () => {
    const { repo, client } = await setup();
    const { runId } = await client.startRun({ experiment: 'e', name: 'r1' });
    const nan = () => client.logMetrics(runId, [{ key: 'loss', value: Number.NaN, step: 0 }]);
    expect(nan).toThrowError(TrackingError);
    expect(nan).toThrowError(/points\.0\.value/);
    await expect(
      client.logMetricBatch('not-a-uuid', [{ key: 'x', value: 1, step: 0 }]),
    ).rejects.toMatchObject({
      code: 'TRACKING_INVALID_INPUT',
      field: 'runId',
    });
    await expect(
      client.startRun({ experiment: 'e', name: 'r2', sourceCommit: 'not a commit' }),
    ).rejects.toMatchObject({ field: 'sourceCommit' });
    await expect(client.logArtifact(runId, '../escape', new Uint8Array([1]))).rejects.toMatchObject({
      field: 'path',
    });
    await client.flush();
    expect(repo.log).toEqual(['start r1']);
    expect(client.stats().spooledOps).toBe(0);
  });

  it('never spools what the database refuses as bad data', async () => {
    const { client } = await setup();
    const unknownRun = '00000000-0000-4000-8000-000000000000';
    await expect(client.logParams(unknownRun, { a: 1 })).rejects.toMatchObject({
      code: 'TRACKING_RUN_NOT_FOUND',
    });
    expect(client.stats()).toMatchObject({ spooledOps: 0, pendingSpoolOps: 0 });
  });

  it('sends buffered metrics in batches of maxBatchSize, the rest on flush or after flushIntervalMs', async () => {
    const { repo, client } = await setup({ maxBatchSize: 3 });
    const { runId } = await client.startRun({ experiment: 'e', name: 'r1' });
    client.logMetrics(
      runId,
      Array.from({ length: 7 }, (_, step) => ({ key: 'loss', value: step, step })),
    );
    await client.flush();
    expect(repo.log.slice(1)).toEqual([
      'batch loss@0,loss@1,loss@2',
      'batch loss@3,loss@4,loss@5',
      'batch loss@6',
    ]);

    const timed = await setup({ flushIntervalMs: 10 });
    const run = await timed.client.startRun({ experiment: 'e', name: 'r2' });
    timed.client.logMetrics(run.runId, [{ key: 'acc', value: 0.5, step: 1, ts: 5 }]);
    await expect.poll(() => timed.repo.points.length, { timeout: 2_000 }).toBe(1);
  });

  it('surfaces a failed buffered batch on the next flush', async () => {
    const { client } = await setup();
    client.logMetrics('00000000-0000-4000-8000-000000000000', [{ key: 'loss', value: 1, step: 0 }]);
    await expect(client.flush()).rejects.toMatchObject({ code: 'TRACKING_RUN_NOT_FOUND' });
    await client.flush(); // reported once
  });

  it('replays a spool left by an earlier process when it opens, exactly once', async () => {
    const first = await setup();
    const runId = '11111111-1111-4111-8111-111111111111';
    const spool = await DurableSpool.open(path.join(first.dir, 'left.jsonl'));
    await spool.append(
      toSpoolLine({
        kind: 'startRun',
        input: {
          runId,
          experiment: 'e',
          name: 'crashed',
          owner: 'x',
          startedAt: 1,
          params: {},
          tags: {},
        },
      }),
    );
    await spool.append(
      toSpoolLine({
        kind: 'metricBatch',
        batch: { runId, idempotencyKey: 'key-00000001', points: [{ key: 'loss', value: 1, step: 0, ts: 1 }] },
      }),
    );
    await spool.close();

    const reopened = await TrackingClient.open({
      ...first.options,
      spoolPath: path.join(first.dir, 'left.jsonl'),
    });
    clients.push(reopened);
    expect(reopened.stats()).toMatchObject({ replayedOps: 2, pendingSpoolOps: 0 });
    expect(first.repo.log).toEqual(['start crashed', 'batch loss@0']);
    expect(await readFile(path.join(first.dir, 'left.jsonl'), 'utf8')).toBe('');
  });

  it('sets aside a spooled write the database later refuses, and replays the rest', async () => {
    const { repo, dir, client } = await setup();
    const { runId } = await client.startRun({ experiment: 'e', name: 'r1' });
    repo.down = true;
    await client.logMetricBatch('22222222-2222-4222-8222-222222222222', [{ key: 'loss', value: 1, step: 0 }]);
    await client.logMetricBatch(runId, [{ key: 'loss', value: 2, step: 1 }]);
    repo.down = false;
    expect(await client.drain(5_000)).toBe(true);
    expect(repo.points).toEqual([{ runId, key: 'loss', step: 1 }]);
    expect(client.stats()).toMatchObject({ rejectedOps: 1, replayedOps: 1, pendingSpoolOps: 0 });
    const rejected = JSON.parse(await readFile(path.join(dir, 'spool', 'writer.jsonl.rejected'), 'utf8'));
    expect(rejected.reason).toMatch(/no such run/);
  });

  it('stores artifact bytes while the database is down and records them on replay', async () => {
    const { repo, options, client } = await setup();
    const { runId } = await client.startRun({ experiment: 'e', name: 'r1' });
    repo.down = true;
    const bytes = new TextEncoder().encode('model weights');
    const rec = await client.logArtifact(runId, 'models/m.onnx', bytes, 'application/onnx');
    expect(rec).toMatchObject({ runId, path: 'models/m.onnx', sha256: sha256Of(bytes), size: 13 });
    expect(new Uint8Array(await options.artifacts.get(rec.sha256))).toEqual(bytes);
    repo.down = false;
    expect(await client.drain(5_000)).toBe(true);
    expect(repo.artifacts.get(`${runId}/models/m.onnx`)).toEqual(rec);
  });

  it('is not slowed or failed by an event sink that throws', async () => {
    const { client } = await setup({
      events: {
        runStatus: () => {
          throw new Error('sink down');
        },
        runMetrics: () => {
          throw new Error('sink down');
        },
      },
    });
    const { runId } = await client.startRun({ experiment: 'e', name: 'r1' });
    expect((await client.logMetricBatch(runId, [{ key: 'l', value: 1, step: 0 }])).storedIn).toBe('database');
  });

  it('retries the replay in the background every retryIntervalMs', async () => {
    const { repo, client } = await setup({ retryIntervalMs: 20 });
    const { runId } = await client.startRun({ experiment: 'e', name: 'r1' });
    repo.down = true;
    await client.logMetricBatch(runId, [{ key: 'l', value: 1, step: 0 }]);
    repo.down = false;
    await expect.poll(() => client.stats().pendingSpoolOps, { timeout: 2_000 }).toBe(0);
    expect(repo.points).toHaveLength(1);
  });
});
