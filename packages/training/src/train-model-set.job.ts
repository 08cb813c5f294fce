/**
 * The `training.run` job: read every series once into columnar arrays, train the
 * model set (regime HMM, specialists, meta-controller, test-window backtest; pure and seeded),
 * export each model to ONNX and prove parity, log everything to one tracking run, register
 * the versions (stage `none`: promotion stays a human decision).
 *
 * Retries never duplicate tracking data: the run id is derived from the BullMQ job (id +
 * creation time), so every attempt writes to the same run; metric points carry the job's
 * creation time as their timestamp, so a re-logged point hits the metrics primary key
 * (run, key, step, ts) and is dropped; artifacts upsert on (run, path) with identical bytes
 * (training is deterministic); versions already registered from this run are reused. Only
 * the final attempt ends the run as failed (a run's first end wins).
 */
import { createHash } from 'node:crypto';
import {
  DEFAULT_TRAINING_SPLITS,
  type TrainingPayload,
  type TrainingProgress,
  type TrainingStage,
} from '@tradeplane/contracts';
import type { ModelVersionRecord, Repositories } from '@tradeplane/db';
import {
  BOOTSTRAP_LABEL,
  DECISION_MODEL_NAMES,
  META_CONTROLLER_NAME,
  SPECIALIST_MODEL_NAMES,
} from '@tradeplane/models';
import {
  DEFAULT_MODEL_SET_TRAINING,
  type ModelSetTrainingConfig,
  type StrategyFigures,
  type SymbolBars,
  type TestStrategy,
  type TrainedModelSet,
} from '@tradeplane/quant';
import type { MetricInput, TrackingClient } from '@tradeplane/tracking';
import { bootstrapTestFigures } from './bootstrap-benchmark';
import { exportAndCheck, PARITY_TOLERANCE, type ExportedModel } from '@tradeplane/models';
import { trainLive } from './live-training';
import { stageFraction } from './progress';
import { TrainingJobError } from './training-job-error';
import { takeTrainingThread } from './thread/train-in-thread';

export interface TrainingJobContext {
  jobId: string;
  /** The job's creation time (epoch ms): identical on every attempt. */
  createdAt: number;
  /** True on the last attempt BullMQ will make. */
  finalAttempt: boolean;
}

export interface TrainingJobDeps {
  repos: Repositories;
  tracking: TrackingClient;
  onProgress: (progress: TrainingProgress) => Promise<void> | void;
  /**
   * True once `cancelTraining` asked to stop this job: read between stages, and every
   * `cancelPollMs` while the model set trains (a cancel then stops the training thread at once).
   */
  isCancelled: () => Promise<boolean>;
  /** Default 500 ms. */
  cancelPollMs?: number;
  clock?: () => number;
}

export interface TrainingJobResult {
  runId: string;
  /** The meta-controller's registry name (`meta-controller`): the version that blends the set. */
  modelName: string;
  modelVersion: number;
  /** The configuration's modelName: the label the run and its versions carry. */
  modelSet: string;
  /** Every registered version, under the engine's registry names (DECISION_MODEL_NAMES order). */
  versions: Array<{ modelName: string; version: number; parityError: number }>;
  timings: TrainingTimings;
  bars: number;
  /** Test-window figures: the run's strategies and the bootstrap model set (`bootstrap`). */
  test: TestFigures;
  testMeanWeights: number[];
  samples: TrainedModelSet['metrics']['samples'];
}

/** Test-window figures per strategy, `bootstrap` being the engine's bootstrap model set. */
export type TestFigures = Record<TestStrategy | 'bootstrap', StrategyFigures>;

/**
 * Wall time of the job up to the end of registration (closing the run and the last progress
 * message come after), ms. I/O is every read from the database: the bars (connection wait,
 * query, unpacking, dates) and the registry lookup that keeps a retry from registering twice.
 * The rest of the wall time is compute, export, and writes (tracking, registry, progress).
 */
export interface TrainingTimings {
  wallMs: number;
  ioMs: number;
  /**
   * The training core in its thread (with what was left of the thread's start-up when the data
   * was in, `threadWaitMs`) and the bootstrap set's test-window backtest.
   */
  computeMs: number;
  threadWaitMs: number;
  exportMs: number;
  /** ioMs / wallMs. */
  ioShare: number;
  io: TrainingIoTimings & { registryReadMs: number };
}

export class TrainingCancelledError extends Error {
  constructor(jobId: string) {
    super(`training job ${jobId} was cancelled`);
    this.name = 'TrainingCancelledError';
  }
}

/** A UUID (v8 layout) from the job's identity: the same on every attempt, new per job. */
export function trainingRunId(jobId: string, createdAt: number): string {
  const h = createHash('sha256').update(`training.run:${jobId}:${createdAt}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function modelSetConfig(payload: TrainingPayload): ModelSetTrainingConfig {
  const s = payload.splits ?? DEFAULT_TRAINING_SPLITS;
  return {
    ...DEFAULT_MODEL_SET_TRAINING,
    seed: payload.seed,
    costBps: payload.costBps,
    regime: { ...DEFAULT_MODEL_SET_TRAINING.regime, restarts: payload.regimeRestarts },
    splits: {
      train: { from: s.trainFrom, to: s.trainTo },
      validation: { from: s.validationFrom, to: s.validationTo },
      test: { from: s.testFrom, to: s.testTo },
    },
  };
}

const DAY_MS = 86_400_000;

/**
 * ISO dates of bar timestamps. The universe shares one calendar, so each UTC day is formatted
 * once; the cache is indexed by day number (a dense array lookup, ~5× cheaper than a Map keyed
 * by the float timestamp on 113k bars).
 */
function isoDates(ts: Float64Array, cache: Array<string | undefined>, firstDay: number): string[] {
  const out = new Array<string>(ts.length);
  for (let i = 0; i < ts.length; i++) {
    const day = Math.floor(ts[i]! / DAY_MS);
    out[i] = cache[day - firstDay] ??= new Date(day * DAY_MS).toISOString().slice(0, 10);
  }
  return out;
}

/** Where the time of the run's database reads went, ms (see BarsRepository.loadUniverseColumns). */
export interface TrainingIoTimings {
  connectMs: number;
  queryMs: number;
  decodeMs: number;
  /** Bar timestamps → ISO dates, once per series (kept in I/O: part of reading the data in). */
  datesMs: number;
}

/**
 * Reads every series of the run in ONE query (the run's only bar I/O); dates derived once,
 * reused by every stage.
 */
export async function loadTrainingBars(
  repos: Repositories,
  payload: TrainingPayload,
): Promise<{ market: SymbolBars; symbols: SymbolBars[]; bars: number; timings: TrainingIoTimings }> {
  const universe = payload.universe ?? [payload.market];
  const wanted = [...new Set([payload.market, ...universe])];
  // Nothing after the test window is needed (and none of it may leak in): the bound also
  // lets PostgreSQL skip the later yearly partitions.
  const untilMs = Date.parse(`${(payload.splits ?? DEFAULT_TRAINING_SPLITS).testTo}T23:59:59.999Z`);
  const read = await repos.bars.loadUniverseColumns(wanted, '1d', untilMs);
  for (const symbol of wanted) {
    if (read.series.has(symbol)) continue;
    const field = symbol === payload.market ? 'market' : `universe[${universe.indexOf(symbol)}]`;
    throw new TrainingJobError('TRAINING_UNKNOWN_SYMBOL', field, `unknown symbol ${symbol}`);
  }
  const datesStart = performance.now();
  let firstDay = 0;
  let lastDay = -1;
  for (const { ts } of read.series.values()) {
    if (ts.length === 0) continue;
    const [first, last] = [Math.floor(ts[0]! / DAY_MS), Math.floor(ts.at(-1)! / DAY_MS)];
    if (lastDay < firstDay) [firstDay, lastDay] = [first, last];
    else [firstDay, lastDay] = [Math.min(firstDay, first), Math.max(lastDay, last)];
  }
  const dateCache = new Array<string | undefined>(Math.max(lastDay - firstDay + 1, 0));
  const loaded = new Map<string, SymbolBars>(
    wanted.map((symbol) => {
      const bars = read.series.get(symbol)!;
      return [symbol, { symbol, dates: isoDates(bars.ts, dateCache, firstDay), bars }];
    }),
  );
  const timings = { ...read.timings, datesMs: performance.now() - datesStart };
  return {
    market: loaded.get(payload.market)!,
    symbols: universe.map((s) => loaded.get(s)!),
    bars: read.bars,
    timings,
  };
}

export async function trainModelSetJob(
  payload: TrainingPayload,
  ctx: TrainingJobContext,
  deps: TrainingJobDeps,
): Promise<TrainingJobResult> {
  const now = deps.clock ?? (() => performance.now());
  const wallStart = now();
  const runId = trainingRunId(ctx.jobId, ctx.createdAt);
  const progress = (stage: TrainingStage, extra: Partial<TrainingProgress> = {}) =>
    deps.onProgress({
      jobId: ctx.jobId,
      stage,
      fraction: stageFraction(stage),
      epoch: null,
      message: null,
      metrics: null,
      runId,
      at: new Date().toISOString(),
      ...extra,
    });
  const stopIfCancelled = async () => {
    if (await deps.isCancelled()) throw new TrainingCancelledError(ctx.jobId);
  };
  const config = modelSetConfig(payload);
  if (payload.modelName === BOOTSTRAP_LABEL)
    throw new TrainingJobError(
      'TRAINING_RESERVED_NAME',
      'modelName',
      `'${BOOTSTRAP_LABEL}' labels the parameter-built set; choose another name`,
    );

  await deps.tracking.startRun({
    runId,
    experiment: payload.experiment,
    name: `${payload.modelName} seed ${payload.seed}`,
    params: flatParams(payload, config),
    // `label` is what the engine shows for each version of this run (registry-source.ts), so a
    // trained set is never mistaken for the bootstrap one.
    tags: {
      kind: 'model-set-training',
      jobId: ctx.jobId,
      modelSet: payload.modelName,
      label: payload.modelName,
    },
  });
  // The thread the workers prepared ahead (prepareTrainingThread), else one started now.
  const thread = takeTrainingThread();
  try {
    await progress('data', { message: 'reading bars' });
    const barsStart = now();
    const input = await loadTrainingBars(deps.repos, payload);
    const barsMs = now() - barsStart;
    await stopIfCancelled();

    const computeStart = now();
    await thread.whenReady();
    const threadWaitMs = now() - computeStart;
    const trained = await trainLive(thread, { market: input.market, symbols: input.symbols }, config, {
      report: progress,
      isCancelled: deps.isCancelled,
      cancelPollMs: deps.cancelPollMs ?? 500,
      cancelled: () => new TrainingCancelledError(ctx.jobId),
      clock: now,
    });
    const trainMs = now() - computeStart;

    // The set the engine serves today, on the same window with the same costs.
    const benchmarkStart = now();
    const bootstrap = bootstrapTestFigures(trained.heldOut, config.costBps);
    const test: TestFigures = { ...trained.metrics.test, bootstrap: bootstrap.figures };
    const computeMs = trainMs + (now() - benchmarkStart);
    await progress('backtest', { metrics: flatFigures(test, 'test') });
    await stopIfCancelled();

    await progress('export', { message: 'ONNX export and parity check' });
    const exportStart = now();
    const models = exportAndCheck(trained);
    const exportMs = now() - exportStart;
    await stopIfCancelled();

    await logRun(deps.tracking, runId, ctx.createdAt, trained, test, models, input.bars);

    await progress('register');
    const registryStart = now();
    const existing = await deps.repos.registry.versionsByRun(runId);
    const registryReadMs = now() - registryStart;
    const versions = await registerModels(deps.repos, runId, payload.modelName, test, models, existing);
    const blend = versions.find((v) => v.modelName === META_CONTROLLER_NAME)!;

    const wallMs = now() - wallStart;
    const ioMs = barsMs + registryReadMs;
    const timings: TrainingTimings = {
      wallMs,
      ioMs,
      computeMs,
      threadWaitMs,
      exportMs,
      ioShare: ioMs / wallMs,
      io: { ...input.timings, registryReadMs },
    };
    await logTimings(deps.tracking, runId, ctx.createdAt, timings);
    await deps.tracking.logParams(runId, {
      registered: versions.map((v) => `${v.modelName} v${v.version}`).join(', '),
    });
    await deps.tracking.endRun(runId, 'finished');
    await deps.tracking.flush();
    const result: TrainingJobResult = {
      runId,
      modelName: blend.modelName,
      modelVersion: blend.version,
      modelSet: payload.modelName,
      versions: versions.map((v, i) => ({ ...v, parityError: models[i]!.parityError })),
      timings,
      bars: input.bars,
      test,
      testMeanWeights: trained.metrics.testMeanWeights,
      samples: trained.metrics.samples,
    };
    await progress('done', { metrics: flatFigures(test, 'test') });
    return result;
  } catch (err) {
    const cancelled = err instanceof TrainingCancelledError;
    if (cancelled || ctx.finalAttempt) {
      await deps.tracking
        .endRun(runId, cancelled ? 'killed' : 'failed', (err as Error).message.slice(0, 2000))
        .catch(() => undefined);
    }
    await progress(cancelled ? 'cancelled' : 'failed', { message: (err as Error).message.slice(0, 500) });
    throw err;
  } finally {
    await thread.dispose();
  }
}

function flatParams(payload: TrainingPayload, config: ModelSetTrainingConfig) {
  return {
    universe: (payload.universe ?? [payload.market]).join(','),
    market: payload.market,
    seed: payload.seed,
    costBps: payload.costBps,
    modelName: payload.modelName,
    train: `${config.splits.train.from}..${config.splits.train.to}`,
    validation: `${config.splits.validation.from}..${config.splits.validation.to}`,
    test: `${config.splits.test.from}..${config.splits.test.to}`,
    'regime.restarts': config.regime.restarts,
    'regime.maxIter': config.regime.maxIter,
    'regime.volWindow': config.regime.volWindow,
    metaHoldout: config.metaHoldout,
    specialists: JSON.stringify(config.specialists).slice(0, 1000),
    metaController: JSON.stringify(config.metaController).slice(0, 1000),
  };
}

/** `test/<strategy>/<figure>`, plus `test/blend_minus_bootstrap/<figure>` (the gain over the served set). */
function flatFigures(test: TestFigures, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [strategy, figures] of Object.entries(test))
    for (const [k, v] of Object.entries(figures))
      if (Number.isFinite(v)) out[`${prefix}/${strategy}/${k}`] = v;
  for (const [k, v] of Object.entries(test.blend)) {
    const diff = v - test.bootstrap[k as keyof StrategyFigures];
    if (Number.isFinite(diff)) out[`${prefix}/blend_minus_bootstrap/${k}`] = diff;
  }
  return out;
}

async function logRun(
  tracking: TrackingClient,
  runId: string,
  ts: number,
  trained: TrainedModelSet,
  test: TestFigures,
  models: ExportedModel[],
  bars: number,
) {
  const points: MetricInput[] = [];
  const series = (name: string, history: TrainedModelSet['specialists'][number]['history']) => {
    for (const e of history) {
      if (Number.isFinite(e.trainLoss))
        points.push({ key: `${name}/train_loss`, value: e.trainLoss, step: e.epoch, ts });
      if (Number.isFinite(e.validationLoss))
        points.push({ key: `${name}/val_loss`, value: e.validationLoss, step: e.epoch, ts });
    }
  };
  for (const s of trained.specialists) series(s.name, s.history);
  series('meta-controller', trained.metaController.history);
  const finals: Record<string, number> = {
    ...flatFigures(test, 'test'),
    ...Object.fromEntries(
      trained.metrics.testMeanWeights.map((w, k) => [
        `test/mean_weight/${trained.metaController.params.specialists[k]}`,
        w,
      ]),
    ),
    ...Object.fromEntries(models.map((m) => [`onnx/${m.role}/parity_error`, m.parityError])),
    'regime/log_likelihood': trained.regime.logLikelihood,
    'samples/train': trained.metrics.samples.train,
    'samples/validation': trained.metrics.samples.validation,
    'samples/test': trained.metrics.samples.test,
    bars,
  };
  for (const [key, value] of Object.entries(finals))
    if (Number.isFinite(value)) points.push({ key, value, step: 0, ts });
  tracking.logMetrics(runId, points);
  await tracking.flush();
  for (const m of models)
    await tracking.logArtifact(runId, `model/${m.role}.onnx`, m.bytes, 'application/onnx');
  await tracking.logArtifact(
    runId,
    'model/training-params.json',
    new TextEncoder().encode(
      JSON.stringify(
        {
          featureScaling: trained.featureScaling,
          returnScale: trained.returnScale,
          regime: trained.regime,
          specialists: trained.specialists.map((s) => ({
            name: s.name,
            regime: s.regime,
            params: s.params,
            bestEpoch: s.bestEpoch,
          })),
          metaController: {
            params: trained.metaController.params,
            bestEpoch: trained.metaController.bestEpoch,
          },
          parityTolerance: PARITY_TOLERANCE,
        },
        null,
        2,
      ),
    ),
    'application/json',
  );
}

/** The run's time accounting, logged once registration is done (it is part of the wall time). */
async function logTimings(tracking: TrackingClient, runId: string, ts: number, t: TrainingTimings) {
  const values: Record<string, number> = {
    'time/wall_ms': t.wallMs,
    'time/io_ms': t.ioMs,
    'time/compute_ms': t.computeMs,
    'time/compute/thread_wait_ms': t.threadWaitMs,
    'time/export_ms': t.exportMs,
    'time/io_share': t.ioShare,
    'time/io/connect_ms': t.io.connectMs,
    'time/io/query_ms': t.io.queryMs,
    'time/io/decode_ms': t.io.decodeMs,
    'time/io/dates_ms': t.io.datesMs,
    'time/io/registry_read_ms': t.io.registryReadMs,
  };
  tracking.logMetrics(
    runId,
    Object.entries(values).map(([key, value]) => ({ key, value, step: 0, ts })),
  );
  await tracking.flush();
}

/**
 * One version per model under the registry names the engine serves (DECISION_MODEL_NAMES:
 * `momentum`, `mean-reversion`, `defensive`, `meta-controller`), so promoting them is all it
 * takes for the engine to trade them; the model set's name travels as the run's `label` and
 * `modelSet` tags and in each description. Stage `none`: moving a stage is a reviewed step in
 * the registry. Idempotent per run (`existing`: the versions this run already registered).
 */
async function registerModels(
  repos: Repositories,
  runId: string,
  setName: string,
  test: TestFigures,
  models: ExportedModel[],
  existing: readonly ModelVersionRecord[],
): Promise<Array<{ modelName: string; version: number }>> {
  servable(models);
  const actor = { by: 'worker:training', auditActor: 'worker:training' };
  const out: Array<{ modelName: string; version: number }> = [];
  for (const m of models) {
    const modelName = m.role;
    const strategy = (m.role === META_CONTROLLER_NAME ? 'blend' : m.role) as TestStrategy;
    const figures = test[strategy];
    const found: ModelVersionRecord | undefined = existing.find((v) => v.modelName === modelName);
    const version =
      found ??
      (await repos.registry.registerVersion(
        {
          modelName,
          runId,
          artifactPath: `model/${m.role}.onnx`,
          signature: m.signature,
          metrics: {
            ...Object.fromEntries(
              Object.entries(figures)
                .filter(([, v]) => Number.isFinite(v))
                .map(([k, v]) => [`test_${k}`, v]),
            ),
            // What the served bootstrap set scores on the same window, for the promotion review.
            ...(Number.isFinite(test.bootstrap.sharpe)
              ? { test_bootstrap_sharpe: test.bootstrap.sharpe }
              : {}),
            parity_error: m.parityError,
          },
          description: `${m.role} of model set ${setName}, trained by run ${runId}`,
        },
        actor,
      ));
    out.push({ modelName, version: version.version });
  }
  return out;
}

/**
 * The engine runs one version per DECISION_MODEL_NAMES name and feeds the specialists to the
 * meta-controller in SPECIALIST_MODEL_NAMES order: a set under other names, or whose weight
 * columns are in another order, would be blended wrongly once promoted, so it is not registered.
 */
function servable(models: readonly ExportedModel[]): void {
  const roles = models.map((m) => m.role);
  if (roles.join(',') !== DECISION_MODEL_NAMES.join(','))
    throw new Error(
      `model set [${roles.join(', ')}] is not the engine's [${DECISION_MODEL_NAMES.join(', ')}]`,
    );
  const columns = models.find((m) => m.role === META_CONTROLLER_NAME)!.specialists ?? [];
  if (columns.join(',') !== SPECIALIST_MODEL_NAMES.join(','))
    throw new Error(
      `meta-controller weights are over [${columns.join(', ')}], the engine feeds [${SPECIALIST_MODEL_NAMES.join(', ')}]`,
    );
}
