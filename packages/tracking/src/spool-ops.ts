import { z } from 'zod';

import { artifactRecord, endRunInput, metricBatch, runParams, startRunInput } from '@tradeplane/contracts';

/**
 * A write of the tracking client as it travels to the database or, while the database is
 * unreachable, to the spool. Each carries its own idempotency (client-made run and artifact
 * ids, the batch key), so replaying one that was already stored changes nothing.
 */
export const trackingOp = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('startRun'), input: startRunInput }),
  z.object({ kind: z.literal('logParams'), runId: z.string().uuid(), params: runParams }),
  z.object({ kind: z.literal('metricBatch'), batch: metricBatch }),
  z.object({ kind: z.literal('artifact'), record: artifactRecord }),
  z.object({ kind: z.literal('endRun'), input: endRunInput }),
]);
export type TrackingOp = z.infer<typeof trackingOp>;

/** One spool line; `v` lets a later format coexist with lines an older client left behind. */
export const spoolLine = z.object({ v: z.literal(1), op: trackingOp });
export type SpoolLine = z.infer<typeof spoolLine>;

export const toSpoolLine = (op: TrackingOp): SpoolLine => ({ v: 1, op });
