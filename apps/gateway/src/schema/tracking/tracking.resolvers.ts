import {
  assertNever,
  channels,
  modelSignature,
  rolesForStageMove,
  trackingKey,
  type ModelStage,
  type ModelStageChange,
  type RunMetricsEvent,
  type RunStatusEvent,
} from '@tradeplane/contracts';
import {
  type StoredArtifact,
  type ComparisonOp,
  type ExperimentCursor,
  type ModelVersionRecord,
  type RegisteredModelRecord,
  type RunCursor,
  type RunFilter,
  type RunRecord,
  type RunSort,
  type StageTransitionRecord,
} from '@tradeplane/db';
import { connection, cursorCodec, cursorParts } from '@tradeplane/platform';
import { largestTriangleThreeBuckets } from '@tradeplane/quant';
import { withFilter } from 'graphql-subscriptions';
import { z } from 'zod';
import { requireRole, requireUser } from '../../auth/roles';
import { GatewayError, badInput } from '../../errors/graphql-errors';
import type { GatewayContext } from '../../context';
import { pageSize } from '../arguments';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PAGE = 200;
const MAX_SERIES_POINTS = 10_000;
/** Series one metricSeriesBatch may ask for: a run's keys and those of the runs overlaid on it. */
const MAX_BATCH_SERIES = 200;
const MAX_COMPARED_METRICS = 50;
/** Letters, digits, `_ . -`; no `@`, which separates name and version in `name@v3`. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const REGISTER_ROLES = ['quant', 'pm', 'admin'] as const;

/**
 * Tells the engines that a stage move is committed, so they load the live versions at once.
 * Not awaited: the move is stored, and an engine that misses the message (Redis away) picks
 * the move up on its registry poll.
 */
function announceStageChange(ctx: GatewayContext, change: ModelStageChange): void {
  ctx.pubsub.publish(channels.modelStageChanged, change).catch((err: unknown) => {
    ctx.logger.error(
      { err, change },
      'could not publish the stage change; engines will see it on their poll',
    );
  });
}

// ---- argument validation: each error names the argument path the client sent ----

function uuid(field: string, value: string): string {
  if (!UUID.test(value)) throw badInput(field, `${field} must be a UUID`);
  return value;
}

function intIn(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badInput(field, `${field} must be an integer from ${min} to ${max}`);
  return value;
}

function key(field: string, value: string): string {
  const parsed = trackingKey.safeParse(value);
  if (!parsed.success) throw badInput(field, `${field} ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

const experimentCursor = cursorCodec<ExperimentCursor>(
  'experiment',
  z.object({ createdAtMs: cursorParts.epochMs, id: z.string().regex(UUID) }),
);
const runCursor = cursorCodec(
  'run',
  z.object({
    /** The sort it was made for, e.g. `metric:val/sharpe:desc`: a cursor only continues its own order. */
    s: z.string(),
    v: z.union([cursorParts.text, z.number().finite(), z.null()]),
    id: z.string().regex(UUID),
  }),
);
/** Whether a run cursor's value has the type its sort keeps (epoch ms, text, a metric or null). */
function cursorValueFits(sort: RunSort, value: string | number | null): boolean {
  switch (sort.field) {
    case 'startedAt':
      return cursorParts.epochMs.safeParse(value).success;
    case 'name':
    case 'status':
      return typeof value === 'string';
    case 'metric':
      return typeof value !== 'string';
    default:
      return assertNever(sort);
  }
}

const sortSignature = (sort: RunSort) =>
  `${sort.field}:${sort.field === 'metric' ? `${sort.metricKey}:` : ''}${sort.direction}`;

interface RunFilterArg {
  experimentId?: string | null;
  status?: RunRecord['status'][] | null;
  params?: Array<{ key: string; value: string }> | null;
  tags?: Array<{ key: string; value: string }> | null;
  metrics?: Array<{ key: string; op: ComparisonOp; value: number }> | null;
  nameContains?: string | null;
}

function runFilter(arg: RunFilterArg | null | undefined): RunFilter {
  if (!arg) return {};
  const pairs = (name: 'params' | 'tags') =>
    arg[name]?.map((p, i) => ({ key: key(`filter.${name}[${i}].key`, p.key), value: p.value }));
  return {
    experimentId: arg.experimentId ? uuid('filter.experimentId', arg.experimentId) : undefined,
    status: arg.status ?? undefined,
    params: pairs('params'),
    tags: pairs('tags'),
    metrics: arg.metrics?.map((m, i) => ({ ...m, key: key(`filter.metrics[${i}].key`, m.key) })),
    nameContains: arg.nameContains || undefined,
  };
}

function runSort(
  arg:
    | { field?: RunSort['field']; direction?: RunSort['direction']; metricKey?: string | null }
    | null
    | undefined,
): RunSort {
  const field = arg?.field ?? 'startedAt';
  const direction = arg?.direction ?? 'desc';
  if (field !== 'metric') return { field, direction };
  if (!arg?.metricKey) throw badInput('sort.metricKey', 'sort.metricKey is required to sort by metric');
  return { field, direction, metricKey: key('sort.metricKey', arg.metricKey) };
}

/** Params as the comparison table shows them: strings as they are, numbers and booleans as JSON prints them. */
const paramText = (value: unknown): string | null =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);

function parseMetrics(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badInput('input.metrics', 'input.metrics must be an object of metric name to number');
  for (const [name, v] of Object.entries(value)) {
    key('input.metrics', name);
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw badInput('input.metrics', `input.metrics.${name} must be a finite number`);
  }
  return value as Record<string, number>;
}

// ---- series ----

interface SeriesParent {
  runId: string;
  key: string;
  totalPoints: number;
  downsampled: boolean;
  points: Array<{ step: number; time: Date; value: number }>;
}

/** One metric of a run, reduced by LTTB over (step, value) when longer than maxPoints. */
async function metricSeries(
  ctx: GatewayContext,
  runId: string,
  metricKey: string,
  maxPoints: number,
): Promise<SeriesParent> {
  const s = await ctx.repos.runQueries.metricSeries(runId, metricKey);
  const n = s.steps.length;
  const kept = largestTriangleThreeBuckets(s.steps, s.values, maxPoints);
  return {
    runId,
    key: metricKey,
    totalPoints: n,
    downsampled: kept.length < n,
    points: Array.from(kept, (i) => ({ step: s.steps[i]!, time: new Date(s.ts[i]!), value: s.values[i]! })),
  };
}

interface MetricComparisonParent {
  key: string;
  latest: Array<number | null>;
  runIds: string[];
  maxPoints: number;
}

// ---- resolvers ----

const dynamicDim = (d: number | null) => (d === null || d < 0 ? null : d);

export const trackingResolvers = {
  Run: {
    durationSeconds: (run: RunRecord, _: unknown, ctx: GatewayContext) =>
      Math.max(0, ((run.endedAt ?? ctx.clock()).getTime() - run.startedAt.getTime()) / 1000),
    parent: (run: RunRecord, _: unknown, ctx: GatewayContext) =>
      run.parentRunId ? ctx.repos.runQueries.getRun(run.parentRunId) : null,
    children: (run: RunRecord, _: unknown, ctx: GatewayContext) => ctx.repos.runQueries.children(run.id),
    // Both from the row's latest_metrics: no query per run in a list.
    latestMetrics: (run: RunRecord) =>
      Object.keys(run.latestMetrics)
        .sort()
        .map((k) => ({ key: k, value: run.latestMetrics[k] })),
    metricKeys: (run: RunRecord) => Object.keys(run.latestMetrics).sort(),
    artifacts: (run: RunRecord, _: unknown, ctx: GatewayContext) => ctx.repos.runQueries.artifacts(run.id),
    modelVersions: (run: RunRecord, _: unknown, ctx: GatewayContext) =>
      ctx.repos.registry.versionsByRun(run.id),
  },
  MetricComparison: {
    series: (parent: MetricComparisonParent, _: unknown, ctx: GatewayContext) =>
      Promise.all(parent.runIds.map((id) => metricSeries(ctx, id, parent.key, parent.maxPoints))),
  },
  ModelVersion: {
    signature: (v: ModelVersionRecord) => {
      const spec = (t: { name: string; type: string; shape: Array<number | null> }) => ({
        ...t,
        shape: t.shape.map(dynamicDim),
      });
      return { inputs: v.signature.inputs.map(spec), outputs: v.signature.outputs.map(spec) };
    },
    run: (v: ModelVersionRecord, _: unknown, ctx: GatewayContext) =>
      v.runId ? ctx.repos.runQueries.getRun(v.runId) : null,
    artifact: (
      v: ModelVersionRecord,
      _: unknown,
      ctx: GatewayContext,
    ): Promise<StoredArtifact | null> | null =>
      v.artifactId ? ctx.repos.runQueries.artifact(v.artifactId) : null,
    stageHistory: (
      v: ModelVersionRecord,
      _: unknown,
      ctx: GatewayContext,
    ): Promise<StageTransitionRecord[]> => ctx.repos.registry.stageHistory(v.id),
  },
  RegisteredModel: {
    staging: (m: RegisteredModelRecord) => m.versions.find((v) => v.stage === 'staging') ?? null,
    shadow: (m: RegisteredModelRecord) => m.versions.find((v) => v.stage === 'shadow') ?? null,
    canary: (m: RegisteredModelRecord) => m.versions.find((v) => v.stage === 'canary') ?? null,
    production: (m: RegisteredModelRecord) => m.versions.find((v) => v.stage === 'production') ?? null,
  },
  Query: {
    async experiments(
      _: unknown,
      args: { first?: number | null; after?: string | null; nameContains?: string | null },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const first = pageSize(args.first, { defaultSize: 50, max: MAX_PAGE });
      const page = await ctx.repos.runQueries.listExperiments({
        nameContains: args.nameContains || undefined,
        first,
        after: args.after ? experimentCursor.decode(args.after) : undefined,
      });
      return { ...connection(page, experimentCursor.encode), totalCount: page.totalCount };
    },
    async experiment(_: unknown, args: { id: string }, ctx: GatewayContext) {
      requireUser(ctx);
      return ctx.repos.runQueries.getExperiment(uuid('id', args.id));
    },
    async runs(
      _: unknown,
      args: {
        filter?: RunFilterArg | null;
        sort?: Parameters<typeof runSort>[0];
        first?: number | null;
        after?: string | null;
      },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const first = pageSize(args.first, { defaultSize: 50, max: MAX_PAGE });
      const filter = runFilter(args.filter);
      const sort = runSort(args.sort);
      const signature = sortSignature(sort);
      let after: RunCursor | undefined;
      if (args.after) {
        const c = runCursor.decode(args.after);
        if (c.s !== signature || !cursorValueFits(sort, c.v))
          throw badInput('after', 'after was returned for a different sort');
        after = { value: c.v, id: c.id };
      }
      const page = await ctx.repos.runQueries.listRuns({ filter, sort, first, after });
      const encode = (c: RunCursor) => runCursor.encode({ s: signature, v: c.value, id: c.id });
      return { ...connection(page, encode), totalCount: page.totalCount };
    },
    async run(_: unknown, args: { id: string }, ctx: GatewayContext) {
      requireUser(ctx);
      return ctx.repos.runQueries.getRun(uuid('id', args.id));
    },
    async metricSeries(
      _: unknown,
      args: { runId: string; key: string; maxPoints?: number | null },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const runId = uuid('runId', args.runId);
      const metricKey = key('key', args.key);
      const maxPoints = intIn('maxPoints', args.maxPoints ?? 1000, 2, MAX_SERIES_POINTS);
      if (!(await ctx.repos.runQueries.getRun(runId)))
        throw new GatewayError('NOT_FOUND', `no run ${runId}`, 'runId');
      return metricSeries(ctx, runId, metricKey, maxPoints);
    },
    async metricSeriesBatch(
      _: unknown,
      args: { series: Array<{ runId: string; key: string }>; maxPoints?: number | null },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      if (args.series.length < 1 || args.series.length > MAX_BATCH_SERIES)
        throw badInput(
          'series',
          `series must hold 1 to ${MAX_BATCH_SERIES} requests, got ${args.series.length}`,
        );
      const maxPoints = intIn('maxPoints', args.maxPoints ?? 1000, 2, MAX_SERIES_POINTS);
      const asked = args.series.map((s, i) => ({
        runId: uuid(`series[${i}].runId`, s.runId),
        key: key(`series[${i}].key`, s.key),
      }));
      const runIds = [...new Set(asked.map((s) => s.runId))];
      const runs = await Promise.all(runIds.map((id) => ctx.repos.runQueries.getRun(id)));
      const missing = runIds.findIndex((_, i) => !runs[i]);
      if (missing >= 0) {
        const at = asked.findIndex((s) => s.runId === runIds[missing]);
        throw new GatewayError('NOT_FOUND', `no run ${runIds[missing]}`, `series[${at}].runId`);
      }
      return Promise.all(asked.map((s) => metricSeries(ctx, s.runId, s.key, maxPoints)));
    },
    async compareRuns(
      _: unknown,
      args: { runIds: string[]; metricKeys?: string[] | null; maxPoints?: number | null },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      if (args.runIds.length < 2 || args.runIds.length > 10)
        throw badInput('runIds', 'runIds must name 2 to 10 runs');
      const runIds = args.runIds.map((id, i) => uuid(`runIds[${i}]`, id).toLowerCase());
      const duplicate = runIds.findIndex((id, i) => runIds.indexOf(id) !== i);
      if (duplicate >= 0) throw badInput(`runIds[${duplicate}]`, `runIds[${duplicate}] is listed twice`);
      if (args.metricKeys && args.metricKeys.length > MAX_COMPARED_METRICS)
        throw badInput('metricKeys', `metricKeys may name at most ${MAX_COMPARED_METRICS} keys`);
      const requestedKeys = args.metricKeys?.map((k, i) => key(`metricKeys[${i}]`, k));
      const maxPoints = intIn('maxPoints', args.maxPoints ?? 500, 2, MAX_SERIES_POINTS);

      const found = new Map((await ctx.repos.runQueries.getRuns(runIds)).map((r) => [r.id, r]));
      const runs = runIds.map((id, i) => {
        const run = found.get(id);
        if (!run) throw new GatewayError('NOT_FOUND', `no run ${id}`, `runIds[${i}]`);
        return run;
      });
      const union = (pick: (r: RunRecord) => object) =>
        [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();

      const params = union((r) => r.params).map((k) => {
        const values = runs.map((r) => paramText(r.params[k]));
        return { key: k, values, differs: new Set(values).size > 1 };
      });
      const metricKeys = requestedKeys ?? union((r) => r.latestMetrics);
      const metrics = metricKeys.map((k): MetricComparisonParent => ({
        key: k,
        latest: runs.map((r) => r.latestMetrics[k] ?? null),
        runIds,
        maxPoints,
      }));
      return { runs, params, metrics };
    },
    async registeredModels(_: unknown, __: unknown, ctx: GatewayContext) {
      requireUser(ctx);
      return ctx.repos.registry.listModels();
    },
    async registeredModel(_: unknown, args: { name: string }, ctx: GatewayContext) {
      requireUser(ctx);
      return ctx.repos.registry.getModel(args.name);
    },
    async modelVersion(_: unknown, args: { modelName: string; version: number }, ctx: GatewayContext) {
      requireUser(ctx);
      return ctx.repos.registry.getVersion(args.modelName, args.version);
    },
  },
  Mutation: {
    async registerModelVersion(
      _: unknown,
      args: {
        input: {
          modelName: string;
          runId: string;
          artifactPath: string;
          metrics?: unknown;
          signature: unknown;
          description?: string | null;
        };
      },
      ctx: GatewayContext,
    ) {
      const user = requireRole(ctx, REGISTER_ROLES);
      const { input } = args;
      if (!MODEL_NAME.test(input.modelName))
        throw badInput(
          'input.modelName',
          'input.modelName must be 1 to 100 letters, digits, _ . - and start with a letter or digit',
        );
      const runId = uuid('input.runId', input.runId);
      if (!input.artifactPath) throw badInput('input.artifactPath', 'input.artifactPath must not be empty');
      const signature = modelSignature.safeParse(input.signature);
      if (!signature.success) {
        const issue = signature.error.issues[0]!;
        throw badInput(
          'input.signature',
          `input.signature${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`,
        );
      }
      if (input.description && input.description.length > 2000)
        throw badInput('input.description', 'input.description must be at most 2000 characters');
      const metrics =
        input.metrics === undefined || input.metrics === null ? undefined : parseMetrics(input.metrics);
      return ctx.repos.registry.registerVersion(
        {
          modelName: input.modelName,
          runId,
          artifactPath: input.artifactPath,
          signature: signature.data,
          metrics,
          description: input.description ?? null,
        },
        { by: user.email, auditActor: `user:${user.id}` },
      );
    },
    async moveModelStage(
      _: unknown,
      args: { input: { modelName: string; version: number; to: ModelStage; reason: string } },
      ctx: GatewayContext,
    ) {
      // Fail fast for viewers; the policy for this particular move is checked under the lock.
      const user = requireRole(ctx, REGISTER_ROLES);
      const { input } = args;
      intIn('input.version', input.version, 1, 2 ** 31 - 1);
      if (input.to === 'none') throw badInput('input.to', 'a version cannot move back to none');
      const reason = input.reason.trim();
      if (!reason) throw badInput('input.reason', 'input.reason must say why');
      if (reason.length > 2000)
        throw badInput('input.reason', 'input.reason must be at most 2000 characters');
      const moved = await ctx.repos.registry.moveStage(
        {
          modelName: input.modelName,
          version: input.version,
          to: input.to,
          reason,
          authorize: (from, to) => requireRole(ctx, rolesForStageMove(from, to)),
        },
        { by: user.email, auditActor: `user:${user.id}` },
      );
      announceStageChange(ctx, {
        modelName: moved.version.modelName,
        version: moved.version.version,
        from: moved.from,
        to: moved.version.stage,
        archived: moved.archived?.version ?? null,
      });
      return moved;
    },
  },
  Subscription: {
    runStatusChanged: {
      subscribe: withFilter<
        RunStatusEvent | undefined,
        { experimentId?: string | null } | undefined,
        GatewayContext
      >(
        (_: unknown, args: { experimentId?: string | null } | undefined, ctx: GatewayContext | undefined) => {
          if (!ctx) throw new Error('subscription without context');
          requireUser(ctx);
          if (args?.experimentId) uuid('experimentId', args.experimentId);
          return ctx.pubsub.asyncIterableIterator<RunStatusEvent>(channels.runStatus);
        },
        (payload, args) =>
          !!payload && (!args?.experimentId || payload.experimentId === args.experimentId.toLowerCase()),
      ),
      resolve: (payload: RunStatusEvent) => ({ ...payload, at: new Date(payload.at) }),
    },
    runMetricsAdded: {
      subscribe: withFilter<RunMetricsEvent | undefined, { runId: string } | undefined, GatewayContext>(
        (_: unknown, args: { runId: string } | undefined, ctx: GatewayContext | undefined) => {
          if (!ctx) throw new Error('subscription without context');
          requireUser(ctx);
          uuid('runId', args?.runId ?? '');
          return ctx.pubsub.asyncIterableIterator<RunMetricsEvent>(channels.runMetrics);
        },
        (payload, args) => !!payload && !!args && payload.runId === args.runId.toLowerCase(),
      ),
      resolve: (payload: RunMetricsEvent) => ({
        runId: payload.runId,
        points: payload.points.map((p) => ({
          key: p.key,
          step: p.step,
          time: new Date(p.ts),
          value: p.value,
        })),
      }),
    },
  },
};
