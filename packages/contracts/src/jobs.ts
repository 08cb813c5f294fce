import { z } from 'zod';
import { timeframeSchema } from './features';
import { parseTime, TimeError } from './time';

/**
 * The job catalog: every BullMQ job's queue, name and payload schema. Payloads carry ids
 * and paths, never whole records, and are parsed again when dequeued.
 */
export const dataImportPayload = z.object({
  runId: z.string().uuid(),
  path: z.string().min(1),
});
export type DataImportPayload = z.infer<typeof dataImportPayload>;

export const featureBackfillPayload = z.object({
  symbols: z.array(z.string().min(1)).min(1),
  timeframe: timeframeSchema,
});
export type FeatureBackfillPayload = z.infer<typeof featureBackfillPayload>;

export const regimeFitPayload = z.object({
  symbol: z.string().min(1),
  timeframe: timeframeSchema.default('1d'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
  /**
   * Half-life in bars of the causal EMA the engine applies to the filtered probabilities,
   * stored with the model; absent: the disruption measure's default (10 bars).
   */
  smoothingHalfLife: z.number().positive().max(260).optional(),
});
export type RegimeFitPayload = z.infer<typeof regimeFitPayload>;

/** Enqueued by the data.import job for each series it updated that has a stored regime model. */
export const regimeUpdatePayload = z.object({
  symbol: z.string().min(1),
  timeframe: timeframeSchema,
});
export type RegimeUpdatePayload = z.infer<typeof regimeUpdatePayload>;

/** A calendar day `YYYY-MM-DD` in the accepted range, by the one time parser. */
const isoDate = z.string().superRefine((d, ctx) => {
  const parsed = parseTime('date', d, 'date');
  if (parsed instanceof TimeError) ctx.addIssue({ code: 'custom', message: parsed.reason });
});
const symbol = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.\-^]{1,16}$/, 'must be a ticker symbol')
  .transform((s) => s.toUpperCase());

/** Train / validation / test windows, YYYY-MM-DD inclusive; ordered and non-overlapping. */
export const trainingSplitsSchema = z
  .object({
    trainFrom: isoDate,
    trainTo: isoDate,
    validationFrom: isoDate,
    validationTo: isoDate,
    testFrom: isoDate,
    testTo: isoDate,
  })
  .superRefine((s, ctx) => {
    const order = ['trainFrom', 'trainTo', 'validationFrom', 'validationTo', 'testFrom', 'testTo'] as const;
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [order[i - 1]!, order[i]!];
      // Windows are inclusive: a window's start must come strictly after the previous one's end.
      const ok = b.endsWith('From') ? s[b] > s[a] : s[b] >= s[a];
      if (!ok) ctx.addIssue({ code: 'custom', path: [b], message: `${b} must come after ${a}` });
    }
  });
export type TrainingSplits = z.infer<typeof trainingSplitsSchema>;

export const DEFAULT_TRAINING_SPLITS: TrainingSplits = {
  trainFrom: '1994-01-01',
  trainTo: '2005-12-31',
  validationFrom: '2006-01-01',
  validationTo: '2011-12-31',
  testFrom: '2012-01-01',
  testTo: '2018-12-31',
};

/**
 * The configuration of one training run (GraphQL TrainingConfigInput, the CLI's --config file).
 * Specialist and meta-controller hyper-parameters are the training core's defaults; the
 * regime fit's restarts can be lowered for quick runs.
 */
export const trainingPayload = z.object({
  universe: z.array(symbol).min(1).max(100).optional(),
  market: symbol.default('SPY'),
  splits: trainingSplitsSchema.default(DEFAULT_TRAINING_SPLITS),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
  costBps: z.number().min(0).max(1000).default(5),
  modelName: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes')
    .default('tradeplane-blend'),
  experiment: z.string().min(1).max(200).default('training'),
  regimeRestarts: z.number().int().min(1).max(20).default(3),
});
export type TrainingPayload = z.infer<typeof trainingPayload>;
export type TrainingConfigInput = z.input<typeof trainingPayload>;

/**
 * Queue, payload and attempts per job name. There is no per-job timeout: a BullMQ worker cannot
 * stop a handler that is running, so failing a job on a timer would only start a retry beside
 * the run still going. A training run stops on `cancelTraining` instead.
 */
export const jobCatalog = {
  'data.import': { queue: 'data-import', payload: dataImportPayload, attempts: 3 },
  'features.backfill': { queue: 'feature-backfill', payload: featureBackfillPayload, attempts: 3 },
  'regime.fit': { queue: 'regime', payload: regimeFitPayload, attempts: 2 },
  'regime.update': { queue: 'regime', payload: regimeUpdatePayload, attempts: 3 },
  'training.run': { queue: 'training', payload: trainingPayload, attempts: 2 },
} as const;
export type JobName = keyof typeof jobCatalog;

/** Progress events published for live monitoring (Redis pub/sub → GraphQL subscriptions). */
export const ingestionProgressSchema = z.object({
  runId: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  file: z.string().nullable(),
  filesDone: z.number().int(),
  filesTotal: z.number().int(),
  rowsRead: z.number().int(),
  rowsInserted: z.number().int(),
  rowsUpdated: z.number().int(),
  rowsRejected: z.number().int(),
  message: z.string().nullable(),
});
export type IngestionProgress = z.infer<typeof ingestionProgressSchema>;

export const channels = {
  ingestionProgress: 'tp:ingestion-progress',
  featureBackfillProgress: 'tp:feature-backfill-progress',
  barsUpdated: 'tp:bars-updated',
  leakageAlarm: 'tp:leakage-alarm',
  regimeChanged: 'tp:regime-changed',
  runStatus: 'tp:run-status',
  runMetrics: 'tp:run-metrics',
  /** TradingStatus JSON whenever the trading state changes (halt, resume). */
  tradingState: 'tp:trading-state',
  /** ModelStageChange JSON when a version moves stage: engines reload their models. */
  modelStageChanged: 'tp:model-stage-changed',
  /** TrainingProgress JSON at each stage / epoch of a training job. */
  trainingProgress: 'tp:training-progress',
  /** OutcomeRecorded JSON for a sample of the decisions whose outcome the ledger recorded. */
  outcomeRecorded: 'tp:outcome-recorded',
  /** RolloutChanged JSON after a rollout's state or analysis changes. */
  rolloutChanged: 'tp:rollout-changed',
} as const;

/**
 * Redis key `cancelTraining` sets (queue Redis, 1-day TTL); the job reads it between stages and,
 * while the model set trains, every 500 ms (a cancel then stops the training thread at once).
 */
export const trainingCancelKey = (jobId: string) => `tp:training-cancel:${jobId}`;

export const trainingStages = [
  'queued',
  'data',
  'regime',
  'specialists',
  'meta-controller',
  'backtest',
  'export',
  'register',
  'done',
  'failed',
  'cancelled',
] as const;
export type TrainingStage = (typeof trainingStages)[number];

/** Live progress of a training job (also stored as the BullMQ job's progress). */
export const trainingProgressSchema = z.object({
  jobId: z.string(),
  stage: z.enum(trainingStages),
  /** 0..1 over the whole job. */
  fraction: z.number().min(0).max(1),
  epoch: z.number().int().nullable(),
  message: z.string().nullable(),
  metrics: z.record(z.string(), z.number()).nullable(),
  runId: z.string().nullable(),
  /** ISO time. */
  at: z.string(),
});
export type TrainingProgress = z.infer<typeof trainingProgressSchema>;

/** Published when the most likely regime of a stored model changes. */
export const regimeChangeSchema = z.object({
  modelVersion: z.string(),
  symbol: z.string(),
  time: z.string(),
  from: z.enum(['bull', 'bear', 'sideways']).nullable(),
  to: z.enum(['bull', 'bear', 'sideways']),
  bull: z.number(),
  bear: z.number(),
  sideways: z.number(),
});
export type RegimeChange = z.infer<typeof regimeChangeSchema>;
