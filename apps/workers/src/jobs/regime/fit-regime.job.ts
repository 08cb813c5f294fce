import { randomUUID } from 'node:crypto';
import type { RegimeChange, RegimeFitPayload } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import { detectRegimes } from '@tradeplane/quant';
import { toHistoryColumns, type StoredRegimeParams } from './regime-model';

const VOL_WINDOW = 20;
const MIN_BARS = 120;

export interface RegimeJobDeps {
  repos: Repositories;
  publishChange: (change: RegimeChange) => Promise<void>;
}

/**
 * Fits a regime model on all bars of the series, stores it with its filtered probability
 * history, and announces a regime change when the latest regime differs from the previous
 * model's. A retry after a crash creates a new version; nothing is half-written (one transaction).
 */
export async function fitRegimeModel(payload: RegimeFitPayload, deps: RegimeJobDeps) {
  const instrument = await deps.repos.instruments.findBySymbol(payload.symbol);
  if (!instrument) throw new Error(`symbol: unknown symbol ${payload.symbol}`);
  const bars = await deps.repos.bars.loadColumns(instrument.id, payload.timeframe);
  if (bars.ts.length < MIN_BARS) {
    throw new Error(
      `symbol: ${payload.symbol} has ${bars.ts.length} ${payload.timeframe} bars, at least ${MIN_BARS} needed`,
    );
  }
  const detection = detectRegimes(bars.close, { seed: payload.seed, volWindow: VOL_WINDOW });
  const history = toHistoryColumns(bars.ts.subarray(detection.firstIndex), detection.probabilities);
  const previous = await deps.repos.regimes.latestModel(payload.symbol, payload.timeframe);
  const previousLast = previous ? await deps.repos.regimes.lastPoint(previous.version) : null;

  const version = randomUUID();
  const params: StoredRegimeParams = {
    ...detection.fit.params,
    labels: detection.labels,
    volWindow: VOL_WINDOW,
  };
  await deps.repos.regimes.createModel(
    {
      version,
      symbol: payload.symbol,
      timeframe: payload.timeframe,
      seed: payload.seed,
      logLikelihood: detection.fit.logLikelihood,
      params,
      trainedFrom: new Date(bars.ts[0]!),
      trainedTo: new Date(bars.ts[bars.ts.length - 1]!),
    },
    history,
  );

  const n = history.ts.length;
  const last = { time: history.ts[n - 1]!, regime: history.regime[n - 1]! };
  if (previousLast?.regime !== last.regime) {
    await deps.publishChange({
      modelVersion: version,
      symbol: payload.symbol,
      time: new Date(last.time).toISOString(),
      from: previousLast?.regime ?? null,
      to: last.regime,
      bull: history.bull[n - 1]!,
      bear: history.bear[n - 1]!,
      sideways: history.sideways[n - 1]!,
    });
  }
  return {
    version,
    logLikelihood: detection.fit.logLikelihood,
    iterations: detection.fit.iterations,
    points: n,
    latest: last.regime,
  };
}
