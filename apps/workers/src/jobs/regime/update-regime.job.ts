import type { RegimeUpdatePayload } from '@tradeplane/contracts';
import { createRegimeFilter, regimeObservations, regimeProbabilities } from '@tradeplane/quant';
import type { RegimeJobDeps } from './fit-regime.job';
import { toHistoryColumns, type StoredRegimeParams } from './regime-model';

/**
 * After new bars arrive: run the latest model's forward filter over the bars after its last
 * stored point (continuing from that point's probabilities), append them, and announce each
 * change of the most likely regime. Idempotent: already stored bars are skipped.
 */
export async function updateRegimeHistory(payload: RegimeUpdatePayload, deps: RegimeJobDeps) {
  const model = await deps.repos.regimes.latestModel(payload.symbol, payload.timeframe);
  if (!model) return { skipped: 'no regime model for this series', appended: 0 };
  const last = await deps.repos.regimes.lastPoint(model.version);
  const instrument = await deps.repos.instruments.findBySymbol(payload.symbol);
  if (!last || !instrument) return { skipped: 'model has no history', appended: 0 };
  const params = model.params as unknown as StoredRegimeParams;

  const bars = await deps.repos.bars.loadColumns(instrument.id, payload.timeframe);
  const { obs, firstIndex } = regimeObservations(bars.close, params.volWindow);
  const start = obs.findIndex((_, i) => bars.ts[firstIndex + i]! > last.ts);
  if (start < 0) return { appended: 0 };

  // Continue from the last stored filtered distribution (per state, from its label's row).
  const filter = createRegimeFilter(params, { after: params.labels.map((label) => last[label]) });
  const filtered = obs.slice(start).map((ob) => Float64Array.from(filter.update(ob)));
  const rows = regimeProbabilities(filtered, params.labels);
  const history = toHistoryColumns(bars.ts.subarray(firstIndex + start), rows);
  const appended = await deps.repos.regimes.appendHistory(model.version, history);

  let previous = last.regime;
  for (let i = 0; i < rows.length; i++) {
    const regime = history.regime[i]!;
    if (regime !== previous) {
      await deps.publishChange({
        modelVersion: model.version,
        symbol: payload.symbol,
        time: new Date(history.ts[i]!).toISOString(),
        from: previous,
        to: regime,
        bull: rows[i]!.bull,
        bear: rows[i]!.bear,
        sideways: rows[i]!.sideways,
      });
      previous = regime;
    }
  }
  return { appended, latest: previous };
}
