import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { openRepositories } from '@tradeplane/db';
import { DurableSpool } from '@tradeplane/platform';

import { testEnv } from '../../../test/stack';
import { LocalDirectoryArtifactStore, toSpoolLine, TrackingClient, type TrackingOp } from '../src';
import { deleteExperiments } from './tracking-test-data';

const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 4 });
const experiment = `it-crash-${randomUUID()}`;
afterAll(async () => {
  await deleteExperiments(repos.db.pool, [experiment]);
  await repos.db.close();
});

describe('a spool left by a crashed client', () => {
  it('is replayed by the next TrackingClient.open exactly once, also after a crash mid-replay', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tp-crash-'));
    const spoolPath = path.join(dir, 'spool', 'trainer.jsonl');
    const artifacts = new LocalDirectoryArtifactStore(path.join(dir, 'artifacts'));
    const runId = randomUUID();
    const bytes = new TextEncoder().encode('checkpoint after epoch 3');
    const { sha256, size } = await artifacts.put(bytes);
    const batch = (n: number) => ({
      runId,
      idempotencyKey: randomUUID(),
      points: Array.from({ length: 10 }, (_, i) => ({
        key: 'loss',
        value: 1 / (n * 10 + i + 1),
        step: n * 10 + i,
        ts: 1_760_000_000_000,
      })),
    });
    const start = {
      runId,
      experiment,
      name: 'crashed trainer',
      owner: 'it',
      startedAt: 1_760_000_000_000,
      params: { lr: 0.1 },
      tags: {},
    };
    const firstBatch = batch(0);
    const ops: TrackingOp[] = [
      { kind: 'startRun', input: start },
      { kind: 'metricBatch', batch: firstBatch },
      { kind: 'logParams', runId, params: { lr: 0.05 } },
      { kind: 'metricBatch', batch: batch(1) },
      {
        kind: 'artifact',
        record: {
          id: randomUUID(),
          runId,
          path: 'ckpt/epoch-3.bin',
          sha256,
          size,
          contentType: 'application/octet-stream',
        },
      },
      { kind: 'metricBatch', batch: batch(2) },
      { kind: 'endRun', input: { runId, status: 'finished', endedAt: 1_760_000_100_000 } },
    ];

    // The crashed process: every op durably spooled, the first three also already stored (it
    // died mid-replay, before truncating), and a torn last line from the append it died in.
    const crashed = await DurableSpool.open(spoolPath);
    for (const op of ops) await crashed.append(toSpoolLine(op));
    await crashed.close();
    await appendFile(spoolPath, '{"v":1,"op":{"kind":"metricBa');
    await repos.tracking.startRun(start);
    await repos.tracking.insertMetricBatch(firstBatch);
    await repos.tracking.logParams(runId, { lr: 0.05 });

    const options = { repository: repos.tracking, artifacts, spoolPath, owner: 'it' };
    const client = await TrackingClient.open(options);
    expect(client.stats()).toMatchObject({ replayedOps: ops.length, pendingSpoolOps: 0, rejectedOps: 0 });
    await client.close();
    expect(await readFile(spoolPath, 'utf8')).toBe('');

    const again = await TrackingClient.open(options);
    expect(again.stats().replayedOps).toBe(0);
    await again.close();

    const pool = repos.db.pool;
    const { rows: counts } = await pool.query<{ n: string; distinct_steps: string }>(
      'SELECT count(*) AS n, count(DISTINCT step) AS distinct_steps FROM metric_points WHERE run_id = $1',
      [runId],
    );
    expect(counts[0]).toEqual({ n: '30', distinct_steps: '30' });
    const { rows: batches } = await pool.query(
      'SELECT count(*)::int AS n FROM metric_batches WHERE run_id = $1',
      [runId],
    );
    expect(batches[0]).toEqual({ n: 3 });
    const { rows: runs } = await pool.query('SELECT status, params, latest_metrics FROM runs WHERE id = $1', [
      runId,
    ]);
    expect(runs[0]).toMatchObject({ status: 'finished', params: { lr: 0.05 } });
    expect(runs[0].latest_metrics.loss).toMatchObject({ step: 29, value: 1 / 30 });
    const { rows: stored } = await pool.query('SELECT path, sha256, size FROM artifacts WHERE run_id = $1', [
      runId,
    ]);
    expect(stored).toEqual([{ path: 'ckpt/epoch-3.bin', sha256, size: String(size) }]);
    expect(new Uint8Array(await artifacts.get(sha256))).toEqual(bytes);
  });
});
