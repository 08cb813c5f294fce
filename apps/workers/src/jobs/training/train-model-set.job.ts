/**
 * The `training.run` job (issue 6): read every series once into columnar arrays, train the
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
  DEFAULT_MODEL_SET_TRAINING,
  trainModelSet,
  type ModelSetTrainingConfig,
  type SymbolBars,
  type TrainedModelSet,
} from '@tradeplane/quant';
import type { MetricInput, TrackingClient } from '@tradeplane/tracking';
import { exportAndCheck, PARITY_TOLERANCE, type ExportedModel } from './export-models';

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
  /** Checked between stages; true once `cancelTraining` asked to stop this job. */
  isCancelled: () => Promise<boolean>;
  clock?: () => number;
}

export interface TrainingJobResult {
  runId: string;
  modelName: string;
  modelVersion: number;
  versions: Array<{ modelName: string; version: number; parityError: number }>;
  timings: { wallMs: number; ioMs: number; computeMs: number; exportMs: number; ioShare: number };
  bars: number;
  test: TrainedModelSet['metrics']['test'];
  testMeanWeights: number[];
  samples: TrainedModelSet['metrics']['samples'];
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

const STAGE_FRACTION: Record<TrainingStage, number> = {
  queued: 0,
  data: 0.02,
  regime: 0.1,
  specialists: 0.3,
  'meta-controller': 0.6,
  backtest: 0.8,
  export: 0.85,
  register: 0.95,
  done: 1,
  failed: 1,
  cancelled: 1,
};

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

/** ISO dates of bar timestamps; the universe shares one calendar, so each day is formatted once. */
function isoDates(ts: Float64Array, cache: Map<number, string>): string[] {
  const out = new Array<string>(ts.length);
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    let d = cache.get(t);
    if (d === undefined) cache.set(t, (d = new Date(t).toISOString().slice(0, 10)));
    out[i] = d;
  }
  return out;
}

/** Series read at once: enough to keep PostgreSQL busy without opening a connection per symbol. */
const LOAD_CONCURRENCY = 4;

/** Reads each series once (the only I/O of the run); dates derived once, reused by every stage. */
export async function loadTrainingBars(
  repos: Repositories,
  payload: TrainingPayload,
): Promise<{ market: SymbolBars; symbols: SymbolBars[]; bars: number }> {
  const universe = payload.universe ?? [payload.market];
  const wanted = [...new Set([payload.market, ...universe])];
  const loaded = new Map<string, SymbolBars>();
  const dateCache = new Map<number, string>();
  // Nothing after the test window is needed (and none of it may leak in): the bound also
  // lets PostgreSQL skip the later yearly partitions.
  const untilMs = Date.parse(`${(payload.splits ?? DEFAULT_TRAINING_SPLITS).testTo}T23:59:59.999Z`);
  let next = 0;
  const loadNext = async (): Promise<void> => {
    const symbol = wanted[next++];
    if (symbol === undefined) return;
    const instrument = await repos.instruments.findBySymbol(symbol);
    if (!instrument) {
      const field = symbol === payload.market ? 'market' : `universe[${universe.indexOf(symbol)}]`;
      throw new Error(`${field}: unknown symbol ${symbol}`);
    }
    const bars = await repos.bars.loadColumns(instrument.id, '1d', untilMs);
    loaded.set(symbol, { symbol, dates: isoDates(bars.ts, dateCache), bars });
    return loadNext();
  };
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, wanted.length) }, loadNext));
  const market = loaded.get(payload.market)!;
  const symbols = universe.map((s) => loaded.get(s)!);
  return { market, symbols, bars: [...loaded.values()].reduce((n, s) => n + s.dates.length, 0) };
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
      fraction: STAGE_FRACTION[stage],
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

  await deps.tracking.startRun({
    runId,
    experiment: payload.experiment,
    name: `${payload.modelName} seed ${payload.seed}`,
    params: flatParams(payload, config),
    tags: { kind: 'model-set-training', jobId: ctx.jobId, modelSet: payload.modelName },
  });
  try {
    await progress('data', { message: 'reading bars' });
    const ioStart = now();
    const input = await loadTrainingBars(deps.repos, payload);
    const ioMs = now() - ioStart;
    await stopIfCancelled();

    // The training core is one synchronous, pure call: stages are reported around it.
    await progress('regime', { message: 'regime HMM, specialists, meta-controller, backtest' });
    const computeStart = now();
    const trained = trainModelSet({ market: input.market, symbols: input.symbols }, config);
    const computeMs = now() - computeStart;
    await reportEpochs(trained, progress);
    await progress('backtest', { metrics: flatFigures(trained.metrics.test, 'test') });
    await stopIfCancelled();

    await progress('export', { message: 'ONNX export and parity check' });
    const exportStart = now();
    const models = exportAndCheck(trained);
    const exportMs = now() - exportStart;
    await stopIfCancelled();

    const wallMs = now() - wallStart;
    const timings = { wallMs, ioMs, computeMs, exportMs, ioShare: ioMs / wallMs };
    await logRun(deps.tracking, runId, ctx.createdAt, trained, models, timings, input.bars);

    await progress('register');
    const versions = await registerModels(deps.repos, runId, payload.modelName, trained, models);
    const blend = versions.find((v) => v.modelName === payload.modelName)!;
    await deps.tracking.logParams(runId, {
      registered: versions.map((v) => `${v.modelName} v${v.version}`).join(', '),
    });
    await deps.tracking.endRun(runId, 'finished');
    await deps.tracking.flush();
    const result: TrainingJobResult = {
      runId,
      modelName: blend.modelName,
      modelVersion: blend.version,
      versions: versions.map((v, i) => ({ ...v, parityError: models[i]!.parityError })),
      timings: { ...timings, wallMs: now() - wallStart },
      bars: input.bars,
      test: trained.metrics.test,
      testMeanWeights: trained.metrics.testMeanWeights,
      samples: trained.metrics.samples,
    };
    await progress('done', { metrics: flatFigures(trained.metrics.test, 'test') });
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
  }
}

async function reportEpochs(
  trained: TrainedModelSet,
  progress: (stage: TrainingStage, extra?: Partial<TrainingProgress>) => Promise<void> | void,
) {
  await progress('specialists', {
    metrics: Object.fromEntries(trained.specialists.map((s) => [`${s.name}.val_loss`, s.validationLoss])),
    epoch: Math.max(...trained.specialists.map((s) => s.stoppedEpoch)),
  });
  const m = trained.metaController;
  await progress('meta-controller', {
    epoch: m.stoppedEpoch,
    metrics: { val_reward: m.validationReward, best_epoch: m.bestEpoch },
  });
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

function flatFigures(test: TrainedModelSet['metrics']['test'], prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [strategy, figures] of Object.entries(test))
    for (const [k, v] of Object.entries(figures))
      if (Number.isFinite(v)) out[`${prefix}/${strategy}/${k}`] = v;
  return out;
}

async function logRun(
  tracking: TrackingClient,
  runId: string,
  ts: number,
  trained: TrainedModelSet,
  models: ExportedModel[],
  timings: TrainingJobResult['timings'],
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
    ...flatFigures(trained.metrics.test, 'test'),
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
    'time/io_ms': timings.ioMs,
    'time/compute_ms': timings.computeMs,
    'time/export_ms': timings.exportMs,
    'time/io_share': timings.ioShare,
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

/**
 * One version per model: the meta-controller (the blend the engine trades) under the set's
 * name, each specialist under `<set>-<specialist>`. Never the engine's live names and never
 * promoted: moving a stage is a reviewed step in the registry. Idempotent per run.
 */
async function registerModels(
  repos: Repositories,
  runId: string,
  setName: string,
  trained: TrainedModelSet,
  models: ExportedModel[],
): Promise<Array<{ modelName: string; version: number }>> {
  const existing = await repos.registry.versionsByRun(runId);
  const actor = { by: 'worker:training', auditActor: 'worker:training' };
  const out: Array<{ modelName: string; version: number }> = [];
  for (const m of models) {
    const modelName = m.role === 'meta-controller' ? setName : `${setName}-${m.role}`;
    const strategy = m.role === 'meta-controller' ? 'blend' : m.role;
    const figures = trained.metrics.test[strategy as keyof typeof trained.metrics.test];
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
            parity_error: m.parityError,
          },
          description: `${m.role} of model set ${setName} (run ${runId})`,
        },
        actor,
      ));
    out.push({ modelName, version: version.version });
  }
  return out;
}
