import { z } from 'zod';

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
  timeframe: z.string().min(1),
});
export type FeatureBackfillPayload = z.infer<typeof featureBackfillPayload>;

export const regimeFitPayload = z.object({
  symbol: z.string().min(1),
  timeframe: z.string().min(1).default('1d'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
});
export type RegimeFitPayload = z.infer<typeof regimeFitPayload>;

export const regimeUpdatePayload = z.object({
  symbol: z.string().min(1),
  timeframe: z.string().min(1),
});
export type RegimeUpdatePayload = z.infer<typeof regimeUpdatePayload>;

export const jobCatalog = {
  'data.import': { queue: 'data-import', payload: dataImportPayload, attempts: 3, timeoutMs: 10 * 60_000 },
  'features.backfill': {
    queue: 'feature-backfill',
    payload: featureBackfillPayload,
    attempts: 3,
    timeoutMs: 10 * 60_000,
  },
  'regime.fit': { queue: 'regime', payload: regimeFitPayload, attempts: 2, timeoutMs: 10 * 60_000 },
  'regime.update': { queue: 'regime', payload: regimeUpdatePayload, attempts: 3, timeoutMs: 60_000 },
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
  /** TradingState JSON whenever trading is halted or resumed. */
  tradingState: 'tp:trading-state',
  /** {modelName, version, from, to} when a version moves stage: engines reload their models. */
  modelStageChanged: 'tp:model-stage-changed',
} as const;

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
