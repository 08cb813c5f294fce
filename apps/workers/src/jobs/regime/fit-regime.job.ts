import { randomUUID } from 'node:crypto';
import type { RegimeChange, RegimeFitPayload } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import { DEFAULT_SMOOTHING_HALF_LIFE, detectRegimes, regimeDisruption } from '@tradeplane/quant';
import type { TrackingClient } from '@tradeplane/tracking';
import { toHistoryColumns, type StoredRegimeParams } from './regime-model';

const VOL_WINDOW = 20;
const MIN_BARS = 120;
const RESTARTS = 5;

export interface RegimeJobDeps {
  repos: Repositories;
  publishChange: (change: RegimeChange) => Promise<void>;
  /** When given, each fit is logged as a run of the experiment `regime/<SYMBOL>/<timeframe>`. */
  tracking?: TrackingClient;
}

/**
 * Fits a regime model on all bars of the series, stores it (with the smoothing half-life the
 * engine will serve) and its filtered probability history, and announces a regime change when the latest regime differs from the previous
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
  const run = await deps.tracking?.startRun({
    experiment: `regime/${payload.symbol}/${payload.timeframe}`,
    name: `hmm seed ${payload.seed}`,
    params: {
      symbol: payload.symbol,
      timeframe: payload.timeframe,
      seed: payload.seed,
      states: 3,
      restarts: RESTARTS,
      volWindow: VOL_WINDOW,
      smoothingHalfLife: halfLifeOf(payload),
      bars: bars.ts.length,
      trainedFrom: new Date(bars.ts[0]!).toISOString().slice(0, 10),
      trainedTo: new Date(bars.ts[bars.ts.length - 1]!).toISOString().slice(0, 10),
    },
    tags: { kind: 'regime-hmm' },
  });
  try {
    const result = await fitAndStore(payload, deps, bars);
    if (run && deps.tracking) await logFit(deps.tracking, run.runId, result);
    return result.summary;
  } catch (err) {
    if (run) await deps.tracking?.endRun(run.runId, 'failed', (err as Error).message.slice(0, 2000));
    throw err;
  }
}

/** The half-life stored with the model: the payload's, else the disruption measure's default. */
const halfLifeOf = (payload: RegimeFitPayload) => payload.smoothingHalfLife ?? DEFAULT_SMOOTHING_HALF_LIFE;

type Bars = Awaited<ReturnType<Repositories['bars']['loadColumns']>>;

async function fitAndStore(payload: RegimeFitPayload, deps: RegimeJobDeps, bars: Bars) {
  const detection = detectRegimes(bars.close, {
    seed: payload.seed,
    volWindow: VOL_WINDOW,
    restarts: RESTARTS,
  });
  const history = toHistoryColumns(bars.ts.subarray(detection.firstIndex), detection.probabilities);
  const previous = await deps.repos.regimes.latestModel(payload.symbol, payload.timeframe);
  const previousLast = previous ? await deps.repos.regimes.lastPoint(previous.version) : null;

  const version = randomUUID();
  const params: StoredRegimeParams = {
    ...detection.fit.params,
    labels: detection.labels,
    volWindow: VOL_WINDOW,
    smoothingHalfLife: halfLifeOf(payload),
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
  const probabilities = Array.from(history.ts, (_, i) => ({
    bull: history.bull[i]!,
    bear: history.bear[i]!,
    sideways: history.sideways[i]!,
  }));
  return {
    summary: {
      version,
      logLikelihood: detection.fit.logLikelihood,
      iterations: detection.fit.iterations,
      points: n,
      latest: last.regime,
      smoothingHalfLife: halfLifeOf(payload),
    },
    params,
    emHistory: detection.fit.history,
    converged: detection.fit.converged,
    disruption: regimeDisruption(probabilities, undefined, { smoothingHalfLife: halfLifeOf(payload) }),
  };
}

/** The fit as a tracking run: EM log-likelihood per iteration, final figures, the parameters. */
async function logFit(
  tracking: TrackingClient,
  runId: string,
  result: Awaited<ReturnType<typeof fitAndStore>>,
): Promise<void> {
  tracking.logMetrics(
    runId,
    result.emHistory.map((value, step) => ({ key: 'em_log_likelihood', value, step })),
  );
  const d = result.disruption;
  const final = {
    log_likelihood: result.summary.logLikelihood,
    em_iterations: result.summary.iterations,
    transitions: d.transitions,
    disruption_hard_switch: d.hardSwitch,
    disruption_blended: d.blended,
    disruption_blended_smoothed: d.blendedSmoothed,
  };
  tracking.logMetrics(
    runId,
    Object.entries(final).map(([key, value]) => ({ key, value, step: 0 })),
  );
  await tracking.logParams(runId, {
    regimeModelVersion: result.summary.version,
    converged: result.converged,
  });
  await tracking.logArtifact(
    runId,
    'model/hmm-params.json',
    new TextEncoder().encode(JSON.stringify(result.params, null, 2)),
    'application/json',
  );
  await tracking.endRun(runId, 'finished');
  await tracking.flush();
}
