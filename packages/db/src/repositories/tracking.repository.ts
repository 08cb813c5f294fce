import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';

import {
  artifactRecord,
  endRunInput,
  checkMetricBatch,
  metricBatch,
  runParams,
  startRunInput,
  type ArtifactRecord,
  type EndRunInput,
  type MetricBatch,
  type MetricPoint,
  type RunStatus,
  type StartRunInput,
} from '@tradeplane/contracts';
import type { PrismaClient } from '../generated/prisma/client';
import { BinaryArrayWriter, FLOAT8_OID, INT8_OID } from './pg-binary-array';

export const trackingErrorCodes = [
  'TRACKING_INVALID_INPUT',
  'TRACKING_RUN_NOT_FOUND',
  'TRACKING_PARENT_RUN_NOT_FOUND',
  'TRACKING_ARTIFACT_IN_USE',
] as const;
export type TrackingErrorCode = (typeof trackingErrorCodes)[number];

/** Bad data for the tracking write path: never retried, never spooled. `field` names the culprit. */
export class TrackingError extends Error {
  constructor(
    readonly code: TrackingErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TrackingError';
  }
}

/** Parses `value` or throws a TrackingError naming the first bad field (`points.3.value`). */
export function parseTrackingInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const detail = issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`)
    .join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  throw new TrackingError(
    'TRACKING_INVALID_INPUT',
    `invalid ${what}: ${detail}${more}`,
    issues[0]?.path.join('.') || what,
  );
}

const experimentRef = z.object({
  name: z.string().min(1).max(200),
  owner: z.string().min(1),
});
const logParamsInput = z.object({ runId: z.string().uuid(), params: runParams });

/** Stored shape of one entry of `runs.latest_metrics`, keyed by metric key. */
export interface LatestMetric {
  value: number;
  step: number;
  /** Epoch milliseconds of the point. */
  ts: number;
}

const isPgError = (err: unknown): err is { code: string; constraint?: string } =>
  typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';

const runNotFound = (runId: string) =>
  new TrackingError('TRACKING_RUN_NOT_FOUND', `runId ${runId}: no such run (start it first)`, 'runId');

/**
 * One round trip per batch, atomic: the idempotency key is claimed first, and the segments
 * and the latest values are written only when the claim is new, so a retried or replayed
 * batch changes nothing. The points come grouped by key ($3 keys, $4/$5 each key's 1-based
 * slice of $6–$8, $9 its first time, $13 its lowest step): one `metric_segments` row per key.
 *
 * A point that repeats a stored (run, key, step, ts) is not stored again (a retried training
 * attempt logs its points again under new batch keys). `latest_metrics` holds each key's
 * highest stored step, so a key whose points are all above it — the usual batch — is cut
 * from the arrays as it is (`fresh`); only a key with a point at or below it has those points
 * looked up among the key's stored segments (`overlapping`, in a function of migration 0006
 * so that the plan does not open every partition on each execution). Repeats within one batch are
 * stored; reads keep the first (the `metrics` view, the series).
 *
 * $10–$12 are each key's latest point in the batch; a stored latest value at a higher step
 * wins. Every CTE sees the snapshot from before the statement (hence `batch`'s RETURNING rather
 * than the table), and each runs whether or not the final SELECT reads it. The FK of
 * metric_batches checks the run once per batch (the segments have none).
 */
const insertMetricBatchSql = `
WITH batch AS (
  INSERT INTO metric_batches (idempotency_key, run_id, points)
  VALUES ($1, $2::uuid, cardinality($6::int8[]))
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING run_id
), segs AS (
  SELECT u.k, u.lo, u.hi, u.t0, u.min_step, (r.latest_metrics -> u.k ->> 'step')::int8 AS stored_max
  FROM batch b JOIN runs r ON r.id = b.run_id
  CROSS JOIN unnest($3::text[], $4::int4[], $5::int4[], $9::int8[], $13::int8[]) AS u(k, lo, hi, t0, min_step)
), fresh AS (
  INSERT INTO metric_segments (run_id, key, first_ts, steps, timestamps_ms, point_values)
  SELECT $2::uuid, g.k, to_timestamp(g.t0 / 1000.0),
         ($6::int8[])[g.lo:g.hi], ($7::int8[])[g.lo:g.hi], ($8::float8[])[g.lo:g.hi]
  FROM segs g WHERE g.stored_max IS NULL OR g.min_step > g.stored_max
  RETURNING cardinality(steps) AS n
), overlapping AS (
  SELECT metric_segments_insert_new_points($2::uuid, g.k,
           ($6::int8[])[g.lo:g.hi], ($7::int8[])[g.lo:g.hi], ($8::float8[])[g.lo:g.hi], g.stored_max) AS n
  FROM segs g WHERE g.min_step <= g.stored_max
), touched AS (
  UPDATE runs r SET latest_metrics = r.latest_metrics || coalesce((
    SELECT jsonb_object_agg(l.k, jsonb_build_object('value', l.v, 'step', l.s, 'ts', l.t))
    FROM unnest($3::text[], $10::int8[], $11::int8[], $12::float8[]) AS l(k, s, t, v)
    WHERE coalesce((r.latest_metrics -> l.k ->> 'step')::int8 <= l.s, true)
  ), '{}'::jsonb)
  FROM batch b WHERE r.id = b.run_id
)
SELECT (SELECT count(*) FROM batch)::int AS claimed,
       ((SELECT coalesce(sum(n), 0) FROM fresh) + (SELECT coalesce(sum(n), 0) FROM overlapping))::int AS inserted`;

/**
 * The statement's parameters $3–$13 for checked points: grouped by key in first-seen order,
 * logged order kept within a key (the first of a repeated point is the one reads keep). The
 * keys and slice bounds go as text array literals (the points are checked: keys of
 * [A-Za-z0-9_.-/ :] only, so quoting needs no escapes), the numbers as binary arrays (no
 * number formatting per point). A key's latest point is its highest (step, ts), the first
 * logged on a tie; $13 is each key's lowest step.
 */
export function metricSegmentParams(points: readonly MetricPoint[]): Array<string | Buffer> {
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < points.length; i++) {
    const key = points[i]!.key;
    const at = byKey.get(key);
    if (at) at.push(i);
    else byKey.set(key, [i]);
  }
  const n = points.length;
  const segments = byKey.size;
  const steps = new BinaryArrayWriter(INT8_OID, n);
  const ts = new BinaryArrayWriter(INT8_OID, n);
  const values = new BinaryArrayWriter(FLOAT8_OID, n);
  const firstTs = new BinaryArrayWriter(INT8_OID, segments);
  const latestSteps = new BinaryArrayWriter(INT8_OID, segments);
  const latestTs = new BinaryArrayWriter(INT8_OID, segments);
  const latestValues = new BinaryArrayWriter(FLOAT8_OID, segments);
  const minSteps = new BinaryArrayWriter(INT8_OID, segments);
  let keys = '{';
  let lo = '{';
  let hi = '{';
  let written = 0;
  for (const [key, at] of byKey) {
    const sep = written === 0 ? '' : ',';
    let minTs = Infinity;
    let minStep = Infinity;
    let latest = points[at[0]!]!;
    for (const i of at) {
      const p = points[i]!;
      steps.push(p.step);
      ts.push(p.ts);
      values.push(p.value);
      if (p.ts < minTs) minTs = p.ts;
      if (p.step < minStep) minStep = p.step;
      if (p.step > latest.step || (p.step === latest.step && p.ts > latest.ts)) latest = p;
    }
    keys += `${sep}"${key}"`;
    lo += sep + (written + 1);
    written += at.length;
    hi += sep + written;
    firstTs.push(minTs);
    latestSteps.push(latest.step);
    latestTs.push(latest.ts);
    latestValues.push(latest.value);
    minSteps.push(minStep);
  }
  return [
    `${keys}}`,
    `${lo}}`,
    `${hi}}`,
    steps.finish(),
    ts.finish(),
    values.finish(),
    firstTs.finish(),
    latestSteps.finish(),
    latestTs.finish(),
    latestValues.finish(),
    minSteps.finish(),
  ];
}

/**
 * Write path of experiment tracking. Every write is idempotent under replay (client-made
 * ids, batch idempotency keys, (run, path) upserts), which is what lets the tracking client
 * retry and replay its spool without duplicates. All SQL goes through the pg pool so
 * callers see plain pg errors (the client tells "database unreachable" from bad data by them).
 */
export class TrackingRepository {
  constructor(
    readonly prisma: PrismaClient,
    readonly pool: pg.Pool,
  ) {}

  /** Get-or-create by unique name; safe under many concurrent callers (no lost race). */
  async ensureExperiment(name: string, owner: string): Promise<string> {
    const ref = parseTrackingInput(experimentRef, { name, owner }, 'experiment');
    // Two statements on purpose: under READ COMMITTED the SELECT takes a fresh snapshot and
    // sees a row that a concurrent caller committed while our INSERT waited on it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.pool.query<{ id: string }>(
        `INSERT INTO experiments (id, name, owner) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING RETURNING id`,
        [randomUUID(), ref.name, ref.owner],
      );
      if (inserted.rows[0]) return inserted.rows[0].id;
      const found = await this.pool.query<{ id: string }>('SELECT id FROM experiments WHERE name = $1', [
        ref.name,
      ]);
      if (found.rows[0]) return found.rows[0].id;
      // Deleted between the two statements: try again.
    }
    throw new Error(`experiment ${ref.name} could not be created or found`);
  }

  /**
   * Creates the run unless its (client-generated) id exists already: a replayed start is a
   * no-op (`created: false`).
   */
  async startRun(input: StartRunInput): Promise<{ experimentId: string; created: boolean }> {
    const run = parseTrackingInput(startRunInput, input, 'run start');
    const experimentId = await this.ensureExperiment(run.experiment, run.owner);
    try {
      const { rows } = await this.pool.query<{ experiment_id: string }>(
        `INSERT INTO runs (id, experiment_id, name, status, started_at, params, tags, source_commit, parent_run_id, owner)
         VALUES ($1, $2, $3, 'running', to_timestamp($4 / 1000.0), $5::jsonb, $6::jsonb, $7, $8, $9)
         ON CONFLICT (id) DO NOTHING
         RETURNING experiment_id`,
        [
          run.runId,
          experimentId,
          run.name,
          run.startedAt,
          JSON.stringify(run.params),
          JSON.stringify(run.tags),
          run.sourceCommit ?? null,
          run.parentRunId ?? null,
          run.owner,
        ],
      );
      if (rows[0]) return { experimentId: rows[0].experiment_id, created: true };
    } catch (err) {
      if (isPgError(err) && err.code === '23503' && err.constraint === 'runs_parent_run_id_fkey') {
        throw new TrackingError(
          'TRACKING_PARENT_RUN_NOT_FOUND',
          `parentRunId ${run.parentRunId}: no such run`,
          'parentRunId',
        );
      }
      throw err;
    }
    const existing = await this.pool.query<{ experiment_id: string }>(
      'SELECT experiment_id FROM runs WHERE id = $1',
      [run.runId],
    );
    if (!existing.rows[0]) throw runNotFound(run.runId);
    return { experimentId: existing.rows[0].experiment_id, created: false };
  }

  /** Merges into the run's params (a later value for the same name wins). */
  async logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void> {
    const input = parseTrackingInput(logParamsInput, { runId, params }, 'params');
    const { rowCount } = await this.pool.query('UPDATE runs SET params = params || $2::jsonb WHERE id = $1', [
      input.runId,
      JSON.stringify(input.params),
    ]);
    if (!rowCount) throw runNotFound(input.runId);
  }

  /**
   * Stores a batch once per idempotency key; `duplicate` when the key was stored before.
   * `inserted` counts the points stored: not those repeating a stored (run, key, step, ts).
   */
  async insertMetricBatch(batch: MetricBatch): Promise<{ inserted: number; duplicate: boolean }> {
    // By hand; zod only to word the error when something is bad.
    const envelope = checkMetricBatch(batch) ?? parseTrackingInput(metricBatch, batch, 'metric batch');
    const points = envelope.points;
    try {
      // Named: each pooled connection parses and plans the statement once.
      const { rows } = await this.pool.query<{ claimed: number; inserted: number }>({
        name: 'tracking_insert_metric_segments',
        text: insertMetricBatchSql,
        values: [envelope.idempotencyKey, envelope.runId, ...metricSegmentParams(points)],
      });
      const r = rows[0]!;
      return { inserted: r.inserted, duplicate: r.claimed === 0 };
    } catch (err) {
      if (isPgError(err) && err.code === '23503') throw runNotFound(envelope.runId);
      throw err;
    }
  }

  /**
   * Upserts on (run, path): logging a path again points it at the new bytes and keeps the
   * row's id. A path whose artifact a model version references keeps its bytes (a registered
   * model must not change under its version); logging different bytes there is refused.
   */
  async recordArtifact(rec: ArtifactRecord): Promise<ArtifactRecord> {
    const a = parseTrackingInput(artifactRecord, rec, 'artifact');
    let rows: Array<{ id: string; size: string; content_type: string }>;
    try {
      ({ rows } = await this.pool.query<{ id: string; size: string; content_type: string }>(
        `INSERT INTO artifacts (id, run_id, path, sha256, size, content_type)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (run_id, path) DO UPDATE
           SET sha256 = EXCLUDED.sha256, size = EXCLUDED.size, content_type = EXCLUDED.content_type,
               created_at = now()
           WHERE artifacts.sha256 = EXCLUDED.sha256
              OR NOT EXISTS (SELECT 1 FROM model_versions mv WHERE mv.artifact_id = artifacts.id)
         RETURNING id, size, content_type`,
        [a.id, a.runId, a.path, a.sha256, a.size, a.contentType],
      ));
    } catch (err) {
      if (isPgError(err) && err.code === '23503') throw runNotFound(a.runId);
      throw err;
    }
    const row = rows[0];
    if (!row) {
      throw new TrackingError(
        'TRACKING_ARTIFACT_IN_USE',
        `path ${a.path}: a registered model version uses this artifact; log the new bytes under another path`,
        'path',
      );
    }
    return { ...a, id: row.id, size: Number(row.size), contentType: row.content_type };
  }

  /**
   * Ends a running run. The first end wins: ending an ended run (a replay, or a late
   * "finished" after a "killed") changes nothing and reports the stored status.
   */
  async endRun(input: EndRunInput): Promise<{ experimentId: string; status: RunStatus; changed: boolean }> {
    const e = parseTrackingInput(endRunInput, input, 'run end');
    const { rows } = await this.pool.query<{ experiment_id: string; status: RunStatus; changed: boolean }>(
      `WITH ended AS (
         UPDATE runs SET status = $2::run_status, ended_at = to_timestamp($3 / 1000.0), failure_reason = $4
         WHERE id = $1 AND status = 'running'
         RETURNING experiment_id, status
       )
       SELECT experiment_id, status::text AS status, true AS changed FROM ended
       UNION ALL
       SELECT experiment_id, status::text, false FROM runs
       WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM ended)`,
      [e.runId, e.status, e.endedAt, e.failureReason ?? null],
    );
    const row = rows[0];
    if (!row) throw runNotFound(e.runId);
    return { experimentId: row.experiment_id, status: row.status, changed: row.changed };
  }
}
