import type { RunStatus } from '@tradeplane/contracts';
import type { KeysetPage } from '@tradeplane/platform';
import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client';
import type { LatestMetric } from './tracking.repository';

export interface ExperimentSummary {
  id: string;
  name: string;
  description: string | null;
  owner: string;
  tags: Record<string, string>;
  createdAt: Date;
  runCount: number;
  lastRunAt: Date | null;
}

export interface RunRecord {
  id: string;
  experimentId: string;
  experimentName: string;
  name: string;
  status: RunStatus;
  startedAt: Date;
  endedAt: Date | null;
  params: Record<string, string | number | boolean>;
  tags: Record<string, string>;
  sourceCommit: string | null;
  parentRunId: string | null;
  owner: string;
  /** Last value per metric key; also the set of keys the run has logged. */
  latestMetrics: Record<string, number>;
  failureReason: string | null;
}

export interface StoredArtifact {
  id: string;
  runId: string;
  path: string;
  sha256: string;
  size: number;
  contentType: string;
  createdAt: Date;
}

export type ComparisonOp = 'lt' | 'lte' | 'gt' | 'gte' | 'eq';

export interface RunFilter {
  experimentId?: string;
  status?: RunStatus[];
  /** params[key] equals value, compared as text (numbers and booleans as JSON prints them). */
  params?: Array<{ key: string; value: string }>;
  tags?: Array<{ key: string; value: string }>;
  /** The run's latest value of key satisfies `op value`; runs without the key never match. */
  metrics?: Array<{ key: string; op: ComparisonOp; value: number }>;
  /** Case-insensitive substring of the name. */
  nameContains?: string;
}

export type SortDirection = 'asc' | 'desc';
export type RunSort =
  | { field: 'startedAt' | 'name' | 'status'; direction: SortDirection }
  | { field: 'metric'; metricKey: string; direction: SortDirection };

/**
 * A position in a sorted run list: the sort value of the last row seen (epoch ms for
 * startedAt, text for name and status, the metric value or null for metric) and its id,
 * which breaks ties so no row is skipped or repeated across pages.
 */
export interface RunCursor {
  value: string | number | null;
  id: string;
}

export interface ExperimentCursor {
  createdAtMs: number;
  id: string;
}

export interface Page<T, C> extends KeysetPage<T, C> {
  totalCount: number;
}

/** One metric of one run in step order, columnar. */
export interface MetricSeriesColumns {
  steps: Float64Array;
  /** Epoch milliseconds. */
  ts: Float64Array;
  values: Float64Array;
}

const OPERATORS: Record<ComparisonOp, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=', eq: '=' };

/** Collects positional parameters: every user value (keys included) goes through here, never into the text. */
class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/**
 * The latest value of a metric key as float8 (latest_metrics holds {value, step, ts} per key),
 * NULL when the run has no such key. The CASE keeps the cast from ever seeing a non-number.
 */
const latestMetric = (keyParam: string) =>
  `(CASE WHEN jsonb_typeof(r.latest_metrics -> ${keyParam} -> 'value') = 'number' ` +
  `THEN (r.latest_metrics -> ${keyParam} ->> 'value')::float8 END)`;

function runConditions(filter: RunFilter, p: SqlParams): string[] {
  const where: string[] = [];
  if (filter.experimentId) where.push(`r.experiment_id = ${p.add(filter.experimentId, 'uuid')}`);
  if (filter.status?.length) where.push(`r.status = ANY(${p.add(filter.status, 'run_status[]')})`);
  for (const { key, value } of filter.params ?? [])
    where.push(`r.params ->> ${p.add(key, 'text')} = ${p.add(value, 'text')}`);
  for (const { key, value } of filter.tags ?? [])
    where.push(`r.tags ->> ${p.add(key, 'text')} = ${p.add(value, 'text')}`);
  for (const { key, op, value } of filter.metrics ?? [])
    where.push(`${latestMetric(p.add(key, 'text'))} ${OPERATORS[op]} ${p.add(value, 'float8')}`);
  if (filter.nameContains)
    where.push(`strpos(lower(r.name), lower(${p.add(filter.nameContains, 'text')})) > 0`);
  return where;
}

const whereClause = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

/** The sort expression, its parameter type, and whether it can be NULL (only a metric can). */
function sortExpression(sort: RunSort, p: SqlParams): { expr: string; type: string; nullable: boolean } {
  switch (sort.field) {
    case 'startedAt':
      return { expr: 'r.started_at', type: 'timestamptz', nullable: false };
    case 'name':
      return { expr: 'r.name', type: 'text', nullable: false };
    case 'status':
      return { expr: 'r.status', type: 'run_status', nullable: false };
    case 'metric':
      return { expr: latestMetric(p.add(sort.metricKey, 'text')), type: 'float8', nullable: true };
  }
}

function sortValueOf(run: RunRecord, sort: RunSort): RunCursor['value'] {
  switch (sort.field) {
    case 'startedAt':
      return run.startedAt.getTime();
    case 'name':
      return run.name;
    case 'status':
      return run.status;
    case 'metric': {
      const v = run.latestMetrics[sort.metricKey];
      return typeof v === 'number' ? v : null;
    }
  }
}

const RUN_COLUMNS = `r.id, r.experiment_id, e.name AS experiment_name, r.name, r.status, r.started_at, r.ended_at,
  r.params, r.tags, r.source_commit, r.parent_run_id, r.owner, r.latest_metrics, r.failure_reason`;

interface RunRow {
  id: string;
  experiment_id: string;
  experiment_name: string;
  name: string;
  status: RunStatus;
  started_at: Date;
  ended_at: Date | null;
  params: RunRecord['params'];
  tags: RunRecord['tags'];
  source_commit: string | null;
  parent_run_id: string | null;
  owner: string;
  latest_metrics: Record<string, LatestMetric>;
  failure_reason: string | null;
}

/** {key: {value, step, ts}} as stored → {key: value}. */
export function latestValues(stored: Record<string, LatestMetric>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, m] of Object.entries(stored)) if (typeof m?.value === 'number') out[k] = m.value;
  return out;
}

const toRun = (r: RunRow): RunRecord => ({
  id: r.id,
  experimentId: r.experiment_id,
  experimentName: r.experiment_name,
  name: r.name,
  status: r.status,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  params: r.params,
  tags: r.tags,
  sourceCommit: r.source_commit,
  parentRunId: r.parent_run_id,
  owner: r.owner,
  latestMetrics: latestValues(r.latest_metrics),
  failureReason: r.failure_reason,
});

const EXPERIMENT_SELECT = `SELECT e.id, e.name, e.description, e.owner, e.tags, e.created_at,
    COALESCE(s.run_count, 0)::int AS run_count, s.last_run_at
  FROM experiments e
  LEFT JOIN LATERAL (
    SELECT count(*) AS run_count, max(started_at) AS last_run_at FROM runs WHERE experiment_id = e.id
  ) s ON true`;

interface ExperimentRow {
  id: string;
  name: string;
  description: string | null;
  owner: string;
  tags: Record<string, string>;
  created_at: Date;
  run_count: number;
  last_run_at: Date | null;
}

const toExperiment = (r: ExperimentRow): ExperimentSummary => ({
  id: r.id,
  name: r.name,
  description: r.description,
  owner: r.owner,
  tags: r.tags,
  createdAt: r.created_at,
  runCount: r.run_count,
  lastRunAt: r.last_run_at,
});

const ARTIFACT_SELECT = `SELECT id, run_id, path, sha256, size::float8 AS size, content_type, created_at FROM artifacts`;

interface ArtifactRow {
  id: string;
  run_id: string;
  path: string;
  sha256: string;
  size: number;
  content_type: string;
  created_at: Date;
}

const toArtifact = (r: ArtifactRow): StoredArtifact => ({
  id: r.id,
  runId: r.run_id,
  path: r.path,
  sha256: r.sha256,
  size: r.size,
  contentType: r.content_type,
  createdAt: r.created_at,
});

/**
 * Read path of experiment tracking: experiments, runs (filtered, sorted, keyset-paginated),
 * metric series, lineage and artifacts. Filtering and sorting by a metric read
 * `runs.latest_metrics`, never the metrics table.
 */
export class RunQueriesRepository {
  constructor(
    readonly prisma: PrismaClient,
    readonly pool: pg.Pool,
  ) {}

  /** Newest first (created_at, then id), with run count and last run start. */
  async listExperiments(options: {
    nameContains?: string;
    first: number;
    after?: ExperimentCursor;
  }): Promise<Page<ExperimentSummary, ExperimentCursor>> {
    const p = new SqlParams();
    const where: string[] = [];
    if (options.nameContains)
      where.push(`strpos(lower(e.name), lower(${p.add(options.nameContains, 'text')})) > 0`);
    const countSql = `SELECT count(*)::int AS n FROM experiments e ${whereClause(where)}`;
    const countParams = [...p.values];
    if (options.after) {
      const at = p.add(new Date(options.after.createdAtMs).toISOString(), 'timestamptz');
      where.push(`(e.created_at, e.id) < (${at}, ${p.add(options.after.id, 'uuid')})`);
    }
    const [page, count] = await Promise.all([
      this.pool.query<ExperimentRow>(
        `${EXPERIMENT_SELECT} ${whereClause(where)}
         ORDER BY e.created_at DESC, e.id DESC LIMIT ${p.add(options.first + 1, 'int')}`,
        p.values,
      ),
      this.pool.query<{ n: number }>(countSql, countParams),
    ]);
    const rows = page.rows.slice(0, options.first).map(toExperiment);
    return {
      items: rows.map((node) => ({ node, cursor: { createdAtMs: node.createdAt.getTime(), id: node.id } })),
      hasNextPage: page.rows.length > options.first,
      totalCount: count.rows[0]!.n,
    };
  }

  async getExperiment(id: string): Promise<ExperimentSummary | null> {
    const { rows } = await this.pool.query<ExperimentRow>(`${EXPERIMENT_SELECT} WHERE e.id = $1::uuid`, [id]);
    return rows[0] ? toExperiment(rows[0]) : null;
  }

  /**
   * Runs matching `filter`, ordered by `sort` then id (same direction), `first` after `after`.
   * Runs without the sort metric come last in both directions.
   */
  async listRuns(options: {
    filter?: RunFilter;
    sort: RunSort;
    first: number;
    after?: RunCursor;
  }): Promise<Page<RunRecord, RunCursor>> {
    const { sort, first, after } = options;
    const filter = options.filter ?? {};

    const countParams = new SqlParams();
    const countSql = `SELECT count(*)::int AS n FROM runs r ${whereClause(runConditions(filter, countParams))}`;

    const p = new SqlParams();
    const where = runConditions(filter, p);
    const { expr, type, nullable } = sortExpression(sort, p);
    const dir = sort.direction === 'asc' ? 'ASC' : 'DESC';
    const cmp = sort.direction === 'asc' ? '>' : '<';
    if (after) {
      const id = p.add(after.id, 'uuid');
      if (after.value === null) {
        // Past the last row with a value: only the NULL tail remains, ordered by id.
        where.push(`(${expr} IS NULL AND r.id ${cmp} ${id})`);
      } else {
        const value =
          type === 'timestamptz'
            ? p.add(new Date(after.value as number).toISOString(), type)
            : p.add(after.value, type);
        where.push(`((${expr}, r.id) ${cmp} (${value}, ${id})${nullable ? ` OR ${expr} IS NULL` : ''})`);
      }
    }
    const sql = `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id
      ${whereClause(where)}
      ORDER BY ${expr} ${dir}${nullable ? ' NULLS LAST' : ''}, r.id ${dir}
      LIMIT ${p.add(first + 1, 'int')}`;

    const [page, count] = await Promise.all([
      this.pool.query<RunRow>(sql, p.values),
      this.pool.query<{ n: number }>(countSql, countParams.values),
    ]);
    const runs = page.rows.slice(0, first).map(toRun);
    return {
      items: runs.map((node) => ({ node, cursor: { value: sortValueOf(node, sort), id: node.id } })),
      hasNextPage: page.rows.length > first,
      totalCount: count.rows[0]!.n,
    };
  }

  async getRun(id: string): Promise<RunRecord | null> {
    return (await this.getRuns([id]))[0] ?? null;
  }

  /** The runs that exist among `ids`, in no particular order. */
  async getRuns(ids: readonly string[]): Promise<RunRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toRun);
  }

  /** Nested runs (e.g. the trials of a sweep), oldest first. */
  async children(runId: string): Promise<RunRecord[]> {
    const { rows } = await this.pool.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id
       WHERE r.parent_run_id = $1::uuid ORDER BY r.started_at, r.id`,
      [runId],
    );
    return rows.map(toRun);
  }

  /**
   * Every point of one metric of one run, by step (then time, for a step logged twice); a
   * repeated (step, ts) keeps the value stored first, as the `metrics` view does.
   */
  async metricSeries(runId: string, key: string): Promise<MetricSeriesColumns> {
    // Array rows: a long run has hundreds of thousands of points, and objects per row cost.
    // Straight from the segments (not through the view): no timestamp conversion per point.
    const { rows } = await this.pool.query<[number, number, number]>({
      text: `SELECT DISTINCT ON (p.step, p.ts) p.step::float8, p.ts::float8, p.value
             FROM metric_segments s
             CROSS JOIN LATERAL unnest(s.steps, s.timestamps_ms, s.point_values)
               WITH ORDINALITY AS p(step, ts, value, ord)
             WHERE s.run_id = $1::uuid AND s.key = $2::text
             ORDER BY p.step, p.ts, s.seq, p.ord`,
      values: [runId, key],
      rowMode: 'array',
    });
    const n = rows.length;
    const out = { steps: new Float64Array(n), ts: new Float64Array(n), values: new Float64Array(n) };
    rows.forEach(([step, ts, value], i) => {
      out.steps[i] = step;
      out.ts[i] = ts;
      out.values[i] = value;
    });
    return out;
  }

  async artifacts(runId: string): Promise<StoredArtifact[]> {
    const { rows } = await this.pool.query<ArtifactRow>(
      `${ARTIFACT_SELECT} WHERE run_id = $1::uuid ORDER BY path`,
      [runId],
    );
    return rows.map(toArtifact);
  }

  async artifact(id: string): Promise<StoredArtifact | null> {
    const { rows } = await this.pool.query<ArtifactRow>(`${ARTIFACT_SELECT} WHERE id = $1::uuid`, [id]);
    return rows[0] ? toArtifact(rows[0]) : null;
  }
}
