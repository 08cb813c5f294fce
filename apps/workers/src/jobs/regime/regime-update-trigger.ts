import { timeframeSchema, type RegimeUpdatePayload } from '@tradeplane/contracts';

export interface RegimeUpdateTriggerDeps {
  /** Whether a regime model of the series is stored. */
  hasRegimeModel(symbol: string, timeframe: string): Promise<boolean>;
  enqueue(payload: RegimeUpdatePayload, options: { jobId: string }): Promise<string>;
}

/**
 * After a data import stored bars of a series: a `regime.update` job for it when a regime
 * model of that series is stored (the job filters the new bars on from the model's last
 * point). The job id is made of the import run and the series, so an import job that runs
 * twice (BullMQ is at-least-once) enqueues the update once. Returns the job id, or null when
 * the series has no regime model.
 */
export async function enqueueRegimeUpdate(
  deps: RegimeUpdateTriggerDeps,
  importRunId: string,
  symbol: string,
  timeframe: string,
): Promise<string | null> {
  // A regime model is fitted only for a timeframe of the enum, so no other has one.
  const known = timeframeSchema.safeParse(timeframe);
  if (!known.success || !(await deps.hasRegimeModel(symbol, timeframe))) return null;
  // BullMQ refuses `:` in custom ids; a symbol is encoded so that none can appear.
  const jobId = `regime-update.${importRunId}.${encodeURIComponent(symbol)}.${encodeURIComponent(timeframe)}`;
  return deps.enqueue({ symbol, timeframe: known.data }, { jobId });
}
