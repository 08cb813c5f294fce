import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';

import { openRepositories, TrackingError, type LatestMetric } from '@tradeplane/db';

import { testEnv } from '../../../test/stack';
import { deleteExperiments } from './tracking-test-data';

const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 8 });
const tracking = repos.tracking;
const pool = repos.db.pool;
// Names are unique per test run: other suites share this database and may run alongside.
const experiment = `it-tracking-${randomUUID()}`;
const raceExperiment = `it-race-${randomUUID()}`;
afterAll(async () => {
  await deleteExperiments(pool, [experiment, raceExperiment]);
  await repos.db.close();
});

async function newRun(extra: { parentRunId?: string } = {}): Promise<string> {
  const runId = randomUUID();
  await tracking.startRun({ runId, experiment, name: 'run', owner: 'it', startedAt: Date.now(), ...extra });
  return runId;
}

const points = (key: string, steps: number[], value = (s: number) => s) =>
  steps.map((step) => ({ key, step, value: value(step), ts: 1_760_000_000_000 + step }));

async function metricRows(runId: string) {
  const { rows } = await pool.query<{ key: string; step: string; n: string }>(
    'SELECT key, step, count(*) AS n FROM metric_points WHERE run_id = $1 GROUP BY key, step ORDER BY key, step',
    [runId],
  );
  return rows.map((r) => ({ key: r.key, step: Number(r.step), n: Number(r.n) }));
}

async function latest(runId: string): Promise<Record<string, LatestMetric>> {
  const { rows } = await pool.query<{ latest_metrics: Record<string, LatestMetric> }>(
    'SELECT latest_metrics FROM runs WHERE id = $1',
    [runId],
  );
  return rows[0]!.latest_metrics;
}

describe('TrackingRepository.insertMetricBatch', () => {
  it('stores a retried batch once, also when the retries race each other', async () => {
    const runId = await newRun();
    const batch = { runId, idempotencyKey: randomUUID(), points: points('loss', [0, 1, 2, 3, 4]) };
    expect(await tracking.insertMetricBatch(batch)).toEqual({ inserted: 5, duplicate: false });
    expect(await tracking.insertMetricBatch(batch)).toEqual({ inserted: 0, duplicate: true });

    const raced = { runId, idempotencyKey: randomUUID(), points: points('acc', [0, 1, 2]) };
    const results = await Promise.all(Array.from({ length: 8 }, () => tracking.insertMetricBatch(raced)));
    expect(results.filter((r) => !r.duplicate)).toEqual([{ inserted: 3, duplicate: false }]);

    const rows = await metricRows(runId);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const { rows: batches } = await pool.query('SELECT points FROM metric_batches WHERE run_id = $1', [
      runId,
    ]);
    expect(batches.map((b) => b.points).sort()).toEqual([3, 5]);
  });

  it('keeps the first value of a point repeated in a batch (read) or across batches (not stored again)', async () => {
    const runId = await newRun();
    // The same (key, step, ts) twice in one batch, with different values.
    const inBatch = [...points('loss', [0, 1]), ...points('loss', [1], () => 99), ...points('acc', [0])];
    expect(
      await tracking.insertMetricBatch({ runId, idempotencyKey: randomUUID(), points: inBatch }),
    ).toEqual({ inserted: 4, duplicate: false });
    // A later batch repeating a stored point, with new ones beside it: the repeat is dropped.
    const across = [...points('loss', [1], () => 77), ...points('loss', [2, 3])];
    expect(await tracking.insertMetricBatch({ runId, idempotencyKey: randomUUID(), points: across })).toEqual(
      {
        inserted: 2,
        duplicate: false,
      },
    );
    // The same step at another time is another point; a batch of nothing but repeats stores nothing.
    const later = { key: 'loss', step: 2, value: 5, ts: 1_760_000_000_999 };
    expect(
      await tracking.insertMetricBatch({ runId, idempotencyKey: randomUUID(), points: [later] }),
    ).toEqual({ inserted: 1, duplicate: false });
    expect(
      await tracking.insertMetricBatch({
        runId,
        idempotencyKey: randomUUID(),
        points: [...points('loss', [0, 3]), later],
      }),
    ).toEqual({ inserted: 0, duplicate: false });
    // Stored: the in-batch repeat twice (reads keep the first), nothing else twice.
    expect(await metricRows(runId)).toEqual([
      { key: 'acc', step: 0, n: 1 },
      { key: 'loss', step: 0, n: 1 },
      { key: 'loss', step: 1, n: 2 },
      { key: 'loss', step: 2, n: 2 },
      { key: 'loss', step: 3, n: 1 },
    ]);
    // Read: one point per (key, step, ts), the value stored first.
    const { rows } = await pool.query<{ key: string; step: string; value: number }>(
      'SELECT key, step, value FROM metrics WHERE run_id = $1 ORDER BY key, step',
      [runId],
    );
    expect(rows.map((r) => ({ ...r, step: Number(r.step) }))).toEqual([
      { key: 'acc', step: 0, value: 0 },
      { key: 'loss', step: 0, value: 0 },
      { key: 'loss', step: 1, value: 1 },
      { key: 'loss', step: 2, value: 2 },
      { key: 'loss', step: 2, value: 5 },
      { key: 'loss', step: 3, value: 3 },
    ]);
    const series = await repos.runQueries.metricSeries(runId, 'loss');
    expect(Array.from(series.steps)).toEqual([0, 1, 2, 2, 3]);
    expect(Array.from(series.values)).toEqual([0, 1, 2, 5, 3]);
    expect(Array.from(series.ts)).toEqual([0, 1, 2, 999, 3].map((s) => 1_760_000_000_000 + s));
    expect((await latest(runId)).loss).toMatchObject({ step: 3, value: 3 });
  });

  it('stores a batch over many keys as one segment per key, points in logged order', async () => {
    const runId = await newRun();
    const logged = [
      ...points('b', [5]),
      ...points('a', [2]),
      ...points('b', [3], () => -1),
      ...points('a', [0, 1]),
    ];
    await tracking.insertMetricBatch({ runId, idempotencyKey: randomUUID(), points: logged });
    const { rows } = await pool.query(
      `SELECT key, steps::float8[] AS steps, timestamps_ms::float8[] AS ts, point_values AS values
       FROM metric_segments WHERE run_id = $1 ORDER BY seq`,
      [runId],
    );
    expect(rows).toEqual([
      { key: 'b', steps: [5, 3], ts: [1_760_000_000_005, 1_760_000_000_003], values: [5, -1] },
      {
        key: 'a',
        steps: [2, 0, 1],
        ts: [1_760_000_000_002, 1_760_000_000_000, 1_760_000_000_001],
        values: [2, 0, 1],
      },
    ]);
    const { rows: firstTs } = await pool.query<{ key: string; first: string }>(
      `SELECT key, (extract(epoch FROM first_ts) * 1000)::int8::text AS first FROM metric_segments WHERE run_id = $1 ORDER BY key`,
      [runId],
    );
    expect(firstTs).toEqual([
      { key: 'a', first: '1760000000000' },
      { key: 'b', first: '1760000000003' },
    ]);
  });

  it('keeps the value at the highest step per key in latest_metrics, whatever the batch order', async () => {
    const runId = await newRun();
    await tracking.insertMetricBatch({
      runId,
      idempotencyKey: randomUUID(),
      points: [...points('loss', [3, 9, 0, 5], (s) => 10 - s), ...points('acc', [0, 4])],
    });
    await tracking.insertMetricBatch({
      runId,
      idempotencyKey: randomUUID(),
      // loss only at lower steps (stored step 9 stays); acc moves on; sharpe is new.
      points: [
        ...points('loss', [6, 7]),
        ...points('acc', [7], () => 0.7),
        ...points('sharpe', [2], () => 1.5),
      ],
    });
    expect(await latest(runId)).toEqual({
      loss: { value: 1, step: 9, ts: 1_760_000_000_009 },
      acc: { value: 0.7, step: 7, ts: 1_760_000_000_007 },
      sharpe: { value: 1.5, step: 2, ts: 1_760_000_000_002 },
    });
  });

  it('refuses a batch for an unknown run with an error naming the run, storing nothing', async () => {
    const runId = randomUUID();
    const key = randomUUID();
    const err = await tracking
      .insertMetricBatch({ runId, idempotencyKey: key, points: points('loss', [0]) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackingError);
    expect(err).toMatchObject({ code: 'TRACKING_RUN_NOT_FOUND', field: 'runId' });
    expect((err as Error).message).toContain(runId);
    const { rowCount } = await pool.query('SELECT 1 FROM metric_batches WHERE idempotency_key = $1', [key]);
    expect(rowCount).toBe(0);
    expect(await metricRows(runId)).toEqual([]);
  });

  it('names the bad field of an invalid batch', async () => {
    const runId = await newRun();
    await expect(
      tracking.insertMetricBatch({
        runId,
        idempotencyKey: randomUUID(),
        points: points('loss', [0], () => Infinity),
      }),
    ).rejects.toMatchObject({ code: 'TRACKING_INVALID_INPUT', field: 'points.0.value' });
    await expect(
      tracking.insertMetricBatch({ runId, idempotencyKey: 'short', points: points('loss', [0]) }),
    ).rejects.toMatchObject({ field: 'idempotencyKey' });
    await expect(
      tracking.insertMetricBatch({ runId, idempotencyKey: randomUUID(), points: points('bad key!', [0]) }),
    ).rejects.toMatchObject({ field: 'points.0.key' });
  });
});

describe('TrackingRepository runs, params, artifacts', () => {
  it('gets or creates an experiment once under 50 concurrent callers', async () => {
    const name = raceExperiment;
    const ids = await Promise.all(Array.from({ length: 50 }, () => tracking.ensureExperiment(name, 'it')));
    expect(new Set(ids).size).toBe(1);
    const { rows } = await pool.query('SELECT id FROM experiments WHERE name = $1', [name]);
    expect(rows).toEqual([{ id: ids[0] }]);
  });

  it('treats a replayed start as a no-op and refuses an unknown parent run', async () => {
    const runId = randomUUID();
    const start = { runId, experiment, name: 'replayed', owner: 'it', startedAt: 1_760_000_000_000 };
    const first = await tracking.startRun(start);
    expect(first.created).toBe(true);
    expect(await tracking.startRun({ ...start, name: 'changed' })).toEqual({ ...first, created: false });
    const { rows } = await pool.query('SELECT name, status FROM runs WHERE id = $1', [runId]);
    expect(rows).toEqual([{ name: 'replayed', status: 'running' }]);

    const missing = randomUUID();
    const err = await tracking
      .startRun({ ...start, runId: randomUUID(), parentRunId: missing })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TRACKING_PARENT_RUN_NOT_FOUND', field: 'parentRunId' });
    expect((err as Error).message).toContain(missing);
    const child = await newRun({ parentRunId: runId });
    const { rows: lineage } = await pool.query('SELECT parent_run_id FROM runs WHERE id = $1', [child]);
    expect(lineage).toEqual([{ parent_run_id: runId }]);
  });

  it('merges params, a later value winning', async () => {
    const runId = await newRun();
    await tracking.logParams(runId, { lr: 0.1, optimizer: 'adam' });
    await tracking.logParams(runId, { lr: 0.05, warmup: true });
    const { rows } = await pool.query('SELECT params FROM runs WHERE id = $1', [runId]);
    expect(rows[0].params).toEqual({ lr: 0.05, optimizer: 'adam', warmup: true });
    await expect(tracking.logParams(randomUUID(), { a: 1 })).rejects.toMatchObject({
      code: 'TRACKING_RUN_NOT_FOUND',
    });
  });

  it('upserts an artifact on (run, path), keeping its id, and guards bytes a model version uses', async () => {
    const runId = await newRun();
    const rec = {
      id: randomUUID(),
      runId,
      path: 'models/m.onnx',
      sha256: 'a'.repeat(64),
      size: 10,
      contentType: 'application/onnx',
    };
    expect(await tracking.recordArtifact(rec)).toEqual(rec);
    const replaced = await tracking.recordArtifact({
      ...rec,
      id: randomUUID(),
      sha256: 'b'.repeat(64),
      size: 20,
    });
    expect(replaced).toEqual({ ...rec, sha256: 'b'.repeat(64), size: 20 });
    const { rows } = await pool.query('SELECT id, sha256 FROM artifacts WHERE run_id = $1', [runId]);
    expect(rows).toEqual([{ id: rec.id, sha256: 'b'.repeat(64) }]);

    const model = `it-model-${randomUUID()}`;
    await pool.query('INSERT INTO registered_models (name, created_by) VALUES ($1, $2)', [model, 'it']);
    await pool.query(
      `INSERT INTO model_versions (id, model_name, version, run_id, artifact_id, signature, created_by)
       VALUES ($1, $2, 1, $3, $4, '{}', 'it')`,
      [randomUUID(), model, runId, rec.id],
    );
    await expect(tracking.recordArtifact({ ...rec, sha256: 'c'.repeat(64) })).rejects.toMatchObject({
      code: 'TRACKING_ARTIFACT_IN_USE',
      field: 'path',
    });
    // The same bytes again (a replay) are fine.
    expect((await tracking.recordArtifact({ ...rec, sha256: 'b'.repeat(64), size: 20 })).id).toBe(rec.id);
    await pool.query('DELETE FROM registered_models WHERE name = $1', [model]);

    await expect(
      tracking.recordArtifact({ ...rec, id: randomUUID(), runId: randomUUID() }),
    ).rejects.toMatchObject({
      code: 'TRACKING_RUN_NOT_FOUND',
    });
    await expect(tracking.recordArtifact({ ...rec, sha256: 'XYZ' })).rejects.toMatchObject({
      field: 'sha256',
    });
  });

  it('ends a run once: a repeated end changes nothing', async () => {
    const runId = await newRun();
    const first = await tracking.endRun({
      runId,
      status: 'failed',
      endedAt: 1_760_000_100_000,
      failureReason: 'oom',
    });
    expect(first).toMatchObject({ status: 'failed', changed: true });
    expect(await tracking.endRun({ runId, status: 'finished', endedAt: 1_760_000_200_000 })).toEqual({
      ...first,
      changed: false,
    });
    const { rows } = await pool.query<{ status: string; ended_at: Date; failure_reason: string }>(
      'SELECT status, ended_at, failure_reason FROM runs WHERE id = $1',
      [runId],
    );
    expect(rows[0]).toEqual({
      status: 'failed',
      ended_at: new Date(1_760_000_100_000),
      failure_reason: 'oom',
    });
    await expect(
      tracking.endRun({ runId: randomUUID(), status: 'finished', endedAt: 1 }),
    ).rejects.toMatchObject({
      code: 'TRACKING_RUN_NOT_FOUND',
    });
  });
});
