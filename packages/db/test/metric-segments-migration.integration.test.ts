import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { applyMigrations, createDb, defaultMigrationsDir, type Db } from '../src';
import { testDatabaseUrl } from './test-database';

// Migration 0006 moves every point of the per-point `metrics` table into segments. This
// database stops at 0005, gets points the old way, then takes 0006.
const NAME = 'tradeplane_it_metric_segments';
const base = new URL(testDatabaseUrl());
const url = Object.assign(new URL(base), { pathname: `/${NAME}` }).toString();
const admin = createDb({
  url: Object.assign(new URL(base), { pathname: '/postgres' }).toString(),
  poolMax: 1,
});
let db: Db | undefined;
let dirBefore: string | undefined;

afterAll(async () => {
  await db?.close();
  await admin.pool.query(`DROP DATABASE IF EXISTS "${NAME}" WITH (FORCE)`);
  await admin.close();
  if (dirBefore) await rm(dirBefore, { recursive: true, force: true });
});

describe('migration 0006_metric_segments', () => {
  it('moves every stored point into segments of at most 1,000, per run, key and month', async () => {
    await admin.pool.query(`DROP DATABASE IF EXISTS "${NAME}" WITH (FORCE)`);
    await admin.pool.query(`CREATE DATABASE "${NAME}"`);
    dirBefore = await mkdtemp(path.join(tmpdir(), 'tp-migrations-'));
    const all = (await readdir(defaultMigrationsDir())).sort();
    for (const name of all.filter((n) => n < '0006'))
      await cp(path.join(defaultMigrationsDir(), name), path.join(dirBefore, name), { recursive: true });
    db = createDb({ url, poolMax: 1 });
    await applyMigrations(db.pool, dirBefore);

    const experimentId = randomUUID();
    const runId = randomUUID();
    await db.pool.query(`INSERT INTO experiments (id, name, owner) VALUES ($1, 'm', 'it')`, [experimentId]);
    await db.pool.query(
      `INSERT INTO runs (id, experiment_id, name, status, started_at, owner) VALUES ($1, $2, 'r', 'running', now(), 'it')`,
      [runId, experimentId],
    );
    // 2,500 loss points 1,000 s apart in November (three segments), 10 in December, one acc point.
    const nov = Date.UTC(2026, 10, 1);
    const dec = Date.UTC(2026, 11, 1);
    await db.pool.query(
      `INSERT INTO metrics (run_id, key, step, ts, value)
       SELECT $1::uuid, 'loss', s, to_timestamp(($2::int8 + s * 1000000::int8) / 1000.0), s / 7.0 FROM generate_series(0, 2499) s
       UNION ALL
       SELECT $1::uuid, 'loss', 2500 + s, to_timestamp(($3::int8 + s) / 1000.0), -s FROM generate_series(0, 9) s
       UNION ALL
       SELECT $1::uuid, 'acc', 0, to_timestamp($2::int8 / 1000.0), 0.5`,
      [runId, nov, dec],
    );
    const before = (
      await db.pool.query(
        `SELECT key, step::float8 AS step, (extract(epoch FROM ts) * 1000)::float8 AS ts, value
         FROM metrics ORDER BY key, step`,
      )
    ).rows;

    await applyMigrations(db.pool, defaultMigrationsDir());

    const after = (
      await db.pool.query(
        `SELECT key, step::float8 AS step, (extract(epoch FROM ts) * 1000)::float8 AS ts, value
         FROM metric_points ORDER BY key, step`,
      )
    ).rows;
    expect(after).toHaveLength(2511);
    expect(after).toEqual(before);
    const { rows: segments } = await db.pool.query<{ key: string; n: number; first: string }>(
      `SELECT key, cardinality(steps) AS n, to_char(first_ts, 'YYYY-MM-DD') AS first
       FROM metric_segments ORDER BY key, first_ts, n DESC`,
    );
    expect(segments).toEqual([
      { key: 'acc', n: 1, first: '2026-11-01' },
      { key: 'loss', n: 1000, first: '2026-11-01' },
      { key: 'loss', n: 1000, first: '2026-11-12' },
      { key: 'loss', n: 500, first: '2026-11-24' },
      { key: 'loss', n: 10, first: '2026-12-01' },
    ]);
    // The metrics view reads as the table did.
    const { rows: view } = await db.pool.query('SELECT count(*)::int AS n FROM metrics');
    expect(view).toEqual([{ n: 2511 }]);
  });
});
