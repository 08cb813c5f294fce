import { describe, expect, it } from 'vitest';
import { enqueueRegimeUpdate, type RegimeUpdateTriggerDeps } from './regime-update-trigger';

function trigger(modelled: string[]) {
  const enqueued: Array<{ payload: unknown; jobId: string }> = [];
  const deps: RegimeUpdateTriggerDeps = {
    hasRegimeModel: async (symbol, timeframe) => modelled.includes(`${symbol}/${timeframe}`),
    enqueue: async (payload, { jobId }) => {
      enqueued.push({ payload, jobId });
      return jobId;
    },
  };
  return { deps, enqueued };
}

describe('enqueueRegimeUpdate', () => {
  it('enqueues an update for a series with a stored regime model, and none for the others', async () => {
    const { deps, enqueued } = trigger(['SPY/1d']);
    const run = '6f1c1f4e-9d6b-4a7e-8f43-0d5f0c8b9a11';
    expect(await enqueueRegimeUpdate(deps, run, 'AAPL', '1d')).toBeNull();
    expect(await enqueueRegimeUpdate(deps, run, 'SPY', '1h')).toBeNull();
    expect(await enqueueRegimeUpdate(deps, run, 'SPY', '1d')).toBe(`regime-update.${run}.SPY.1d`);
    expect(enqueued).toEqual([
      { payload: { symbol: 'SPY', timeframe: '1d' }, jobId: `regime-update.${run}.SPY.1d` },
    ]);
  });

  it('gives one import run and series one job id, with no `:` whatever the symbol', async () => {
    const { deps } = trigger(['EUR:USD/1d', 'SPY/1d']);
    const a = await enqueueRegimeUpdate(deps, 'run-1', 'EUR:USD', '1d');
    expect(a).not.toContain(':');
    expect(await enqueueRegimeUpdate(deps, 'run-1', 'EUR:USD', '1d')).toBe(a);
    expect(await enqueueRegimeUpdate(deps, 'run-2', 'EUR:USD', '1d')).not.toBe(a);
    expect(await enqueueRegimeUpdate(deps, 'run-1', 'SPY', '1d')).not.toBe(a);
  });
});
